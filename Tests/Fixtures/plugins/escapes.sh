#!/bin/sh
# Writes terminal escape sequences (clear screen, set the window title, colours) to stderr and to
# stdout before failing, as a hostile or careless plugin might.
printf '\033[2J\033]0;pwned\007 clear and retitle\n' >&2
printf 'starting \033[31mred\033[0m\n'
exit 3
