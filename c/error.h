/* error.h: the core's last-error message, at the bottom of the core so every file can report
 * through it without calling up. */
#ifndef NN_ERROR_H
#define NN_ERROR_H

#include "nn.h"

/* Sets the message nn_last_error returns (printf-style). Returns status. */
nn_status nn_fail(nn_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#endif
