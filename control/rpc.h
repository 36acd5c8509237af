/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control protocol: JSON-RPC 2.0 over the daemon's Unix stream socket.
 *
 * Framing: each message is one JSON object on one line, terminated by '\n'
 * (JSON text never contains a raw newline, so this is unambiguous). A client
 * may send several requests on one connection; the daemon answers each in
 * order. Requests carry named parameters (an object) or none.
 *
 * Used by the daemon's control thread (decode + encode responses) and by
 * vsctl (encode requests + decode responses). No DPDK here.
 */
#ifndef VS_RPC_H
#define VS_RPC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* Longest accepted request, bytes: room for add-flows of 100,000+ rules. */
#define VS_RPC_MAX_LINE (64 * 1024 * 1024)

/* JSON-RPC 2.0 error codes. */
#define VS_RPC_PARSE_ERROR      -32700
#define VS_RPC_INVALID_REQUEST  -32600
#define VS_RPC_METHOD_NOT_FOUND -32601
#define VS_RPC_INVALID_PARAMS   -32602
#define VS_RPC_INTERNAL_ERROR   -32603
#define VS_RPC_OP_FAILED        -32000  /* the command was refused; state unchanged */

struct vs_rpc_request {
	json_t *root;           /* owns everything below */
	json_t *id;             /* borrowed; NULL for a notification */
	const char *method;     /* borrowed */
	json_t *params;         /* borrowed; always an object (empty if absent) */
};

/*
 * Decode one request line (without its '\n').
 * Returns 0 with *req filled (release with vs_rpc_request_release()), or a
 * negative JSON-RPC error code with *error_response set to a complete error
 * response object the caller sends back (id null if it could not be read).
 */
int vs_rpc_decode_request(const char *line, size_t len, struct vs_rpc_request *req,
			  json_t **error_response);

void vs_rpc_request_release(struct vs_rpc_request *req);

/* Build responses; `id` is borrowed (increfed inside); `result` is stolen. */
json_t *vs_rpc_result(json_t *id, json_t *result);
json_t *vs_rpc_error(json_t *id, int code, const char *message);

/* Build a request; `params` is stolen (may be NULL). */
json_t *vs_rpc_request(json_t *id, const char *method, json_t *params);

/*
 * Serialise a message as one compact line with a trailing '\n'.
 * Returns a malloc()ed string or NULL.
 */
char *vs_rpc_encode(const json_t *msg);

/*
 * Decode a response line (vsctl side). Returns 0 and *result (new reference)
 * for a success, or the error code and a malloc()ed *message for an error
 * response or a malformed line.
 */
int vs_rpc_decode_response(const char *line, size_t len, json_t **result, char **message);

/*
 * Parameter helpers for method handlers: fetch a member of params by name
 * with the expected type, or fill err with e.g. "params.bridge: expected a
 * string" / "params.bridge: missing" and return -EINVAL.
 */
int vs_rpc_param_string(const json_t *params, const char *name, bool required,
			const char **out, char *err, size_t errlen);
int vs_rpc_param_object(const json_t *params, const char *name, bool required,
			json_t **out, char *err, size_t errlen);

#endif /* VS_RPC_H */
