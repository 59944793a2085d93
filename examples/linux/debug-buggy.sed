# A developer's debugging printf added to buggy (examples/guest/user/bin/buggy.c, main): each order
# line is printed before it is parsed. Used by 'make variants' (buggy-printf), replayed with
# kerf replay-syscalls --binary buggy-printf --extra-output (docs/retargeting.md, "Linux").
s|^        struct order o;$|        printf("debug: order %d: %s\\n", n + 1, line);\n        struct order o;|
