#ifndef COPENBLAS_SHIM_H
#define COPENBLAS_SHIM_H
// The only C in the project: OpenBLAS's CBLAS interface (Debian libopenblas-dev).
#include <cblas.h>
#endif
