# The fix for buggy's overflow (examples/guest/user/bin/buggy.c, parse_field): check the customer
# name's length before copying it into the 16-byte field; a name that does not fit is reported on
# stderr and buggy exits with status 1 instead of crashing. Used by 'make variants' (buggy-fixed).
s|strcpy(o->customer, value);   /\* BUG: no bounds check \*/|{ if (strlen(value) >= sizeof o->customer) { dprintf(2, "buggy: customer name too long (%u bytes, at most %u)\\n", (unsigned)strlen(value), (unsigned)sizeof o->customer - 1); exit(1); } strcpy(o->customer, value); }|
