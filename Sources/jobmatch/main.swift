import JobMatchCLI

JobMatchMain.run()
