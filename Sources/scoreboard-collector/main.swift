import CollectorDaemon

CollectorMain.run()
