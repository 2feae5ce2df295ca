"""Pages of the panel test site."""

from django.http import HttpResponse

PAGE = "<!DOCTYPE html><html><head><title>panel test page</title></head><body><h1>panel test page</h1>{script}</body></html>"

# Clicks the panel's button in the toolbar (inside its shadow root) once the toolbar is ready,
# then copies the rendered panel into the hidden #panel-copy, because a DOM dump does not include shadow
# roots. The browser test reads #panel-copy.
OPEN_PANEL_SCRIPT = """
<div id="panel-copy" hidden></div>
<script>
function openCollectorPanel() {
  const host = document.getElementById("djDebugRoot");
  const root = host && (host.shadowRoot || host);
  const button = root && root.querySelector("#djdt-CollectorPanel a");
  if (!button) { setTimeout(openCollectorPanel, 50); return; }
  button.click();
  copyWhenLoaded(root);
}
function copyWhenLoaded(root) {
  const content = root.querySelector("#CollectorPanel .djdt-scroll");
  if (!content || !content.querySelector("#scoreboard-collector-panel")) { setTimeout(function () { copyWhenLoaded(root); }, 50); return; }
  document.getElementById("panel-copy").innerHTML = content.innerHTML;
}
window.addEventListener("load", openCollectorPanel);
</script>
"""


def page(request):
    return HttpResponse(PAGE.format(script=""))


def page_opening_panel(request):
    return HttpResponse(PAGE.format(script=OPEN_PANEL_SCRIPT))
