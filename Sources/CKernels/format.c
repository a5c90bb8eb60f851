#include "ckernels.h"
#include <stdio.h>

int jm_format_g9(double x, char *out, size_t size) {
    return snprintf(out, size, "%.9g", x);
}
