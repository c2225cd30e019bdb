from packverify.cli import main

main()
