#include <stdio.h>
void compute(unsigned *out);
int main(void) { unsigned out[13]; compute(out); for (int i = 0; i < 13; i++) printf("%08x\n", out[i]); return 0; }
