"""`python -m eventhound` runs the eventhound command."""

from eventhound.cli import main

main()
