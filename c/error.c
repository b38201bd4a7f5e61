/* error.c: the last-error message behind nn_last_error (one sentence, kept until the next failure). */
#include <stdarg.h>
#include <stdio.h>

#include "error.h"

static char last_error[512] = "no error";

nn_status nn_fail(nn_status status, const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, args);
    va_end(args);
    return status;
}

const char *nn_last_error(void) { return last_error; }
