import JobMatchCLI
JobMatchCommand.main()
