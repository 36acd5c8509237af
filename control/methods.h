/* SPDX-License-Identifier: BSD-3-Clause */
/* Control-protocol method dispatch (control thread only). */
#ifndef VS_METHODS_H
#define VS_METHODS_H

#include <jansson.h>

#include "rpc.h"

#define VS_VERSION "0.1.0"

struct vs_switch;

/* Run one request; returns the complete response object to send. */
json_t *vs_methods_call(struct vs_switch *sw, const struct vs_rpc_request *req);

#endif /* VS_METHODS_H */
