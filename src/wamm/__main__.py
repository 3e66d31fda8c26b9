from wamm.cli.main import main

main()
