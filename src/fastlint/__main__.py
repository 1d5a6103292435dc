from fastlint.frontends.cli import main

main()
