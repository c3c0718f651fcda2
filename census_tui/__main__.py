from census_tui.cli import main

main()
