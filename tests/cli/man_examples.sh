# every example of the man pages' EXAMPLES sections runs on the fixtures and does
# what its text says (tests/man/examples.py); those that need AWS or a tool outside
# Debian are marked in the page and only syntax-checked
sh tests/man/setup.sh "$TMP" || exit 1
/usr/bin/python3 tests/man/examples.py "$TMP" man/*.1 man/*.5 man/*.7
