# The fix for buggy's overflow (examples/guest/user/bin/buggy.c, parse_field): check the customer
# name's length before copying it into the 16-byte field; a name that does not fit is reported on
# stderr (one write) and buggy exits with status 1 instead of crashing. Used by 'make variants'
# (buggy-fixed; docs/retargeting.md, "Linux").
s|strcpy(o->customer, value);   /\* BUG: no bounds check \*/|{ if (strlen(value) >= sizeof o->customer) { char m[96]; int n = snprintf(m, sizeof m, "buggy: customer name too long (%u bytes, at most %u)\\n", (unsigned)strlen(value), (unsigned)sizeof o->customer - 1); write(2, m, n); exit(1); } strcpy(o->customer, value); }|
