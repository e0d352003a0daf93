from multistream.cli import main

main()
