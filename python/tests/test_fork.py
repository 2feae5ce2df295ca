import os

from scoreboard_collector_wsgi import ProcessInfo, Recorder, ScoreboardMiddleware, layout
from scoreboard_collector_wsgi.procstat import process_start_time

from conftest import SegmentImage, run_request, segment_files, simple_application


def test_child_gets_own_segment_and_parent_counts_unchanged(segment_directory):
    recorder = Recorder(directory=segment_directory, process_info=ProcessInfo(mode=layout.MODE_DAEMON, process_group="app"))
    application = ScoreboardMiddleware(simple_application(), recorder=recorder)
    for _ in range(3):
        run_request(application)

    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:
        status = 1
        try:
            os.close(read_end)
            for _ in range(5):
                run_request(application)
            os.write(write_end, b"%d" % process_start_time(os.getpid()))
            status = 0
        finally:
            os._exit(status)

    os.close(write_end)
    child_start = int(os.read(read_end, 64))
    os.close(read_end)
    _, wait_status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(wait_status) == 0

    run_request(application)

    parent_name = "%d-%d.wsb" % (os.getpid(), process_start_time(os.getpid()))
    child_name = "%d-%d.wsb" % (child, child_start)
    assert segment_files(segment_directory) == sorted([parent_name, child_name])
    parent = SegmentImage(os.path.join(segment_directory, parent_name))
    child_image = SegmentImage(os.path.join(segment_directory, child_name))
    assert parent.counters["requests"] == 4
    assert child_image.counters["requests"] == 5
    assert child_image.pid == child
    assert child_image.process_group == "app"
    assert sum(child_image.histograms["application"]) == 5
