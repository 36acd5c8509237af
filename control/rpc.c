/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control protocol codec: JSON-RPC 2.0, one compact JSON object per line.
 *
 * Everything that reaches vs_rpc_decode_request() comes from a socket, so
 * every check here turns bad input into an error response naming what was
 * wrong; nothing in this file may crash or leak on any byte sequence.
 * See rpc.h for the framing and the ownership rules.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rpc.h"

/* The members a request may carry (JSON-RPC 2.0, section 4). */
static const char *const request_members[] = { "jsonrpc", "id", "method", "params" };

/* Standard message used when a caller gives none. */
static const char *
default_message(int code)
{
	switch (code) {
	case VS_RPC_PARSE_ERROR:
		return "parse error";
	case VS_RPC_INVALID_REQUEST:
		return "invalid request";
	case VS_RPC_METHOD_NOT_FOUND:
		return "method not found";
	case VS_RPC_INVALID_PARAMS:
		return "invalid params";
	case VS_RPC_INTERNAL_ERROR:
		return "internal error";
	default:
		return "operation failed";
	}
}

/* Name of a JSON type with its article, for "expected X, got Y" messages. */
static const char *
type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "an unknown type";
}

/*
 * Length of the well-formed UTF-8 sequence at s (at most n bytes), or 0.
 * Rejects overlong forms, surrogates and code points above U+10FFFF, the
 * same set jansson refuses, so a sanitised string always encodes.
 */
static size_t
utf8_seq_len(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/*
 * A JSON string from arbitrary text. Error messages quote input (jansson's
 * "near '...'" does too), and that input may be invalid UTF-8, which
 * json_string() refuses: replace each bad byte with '?' rather than lose the
 * whole message.
 */
static json_t *
json_string_sanitized(const char *text)
{
	size_t n = strlen(text), i = 0, l;
	json_t *s;
	char *copy;

	s = json_stringn(text, n);
	if (s != NULL)
		return s;
	copy = malloc(n + 1);
	if (copy == NULL)
		return NULL;
	while (i < n) {
		l = utf8_seq_len((const unsigned char *)text + i, n - i);
		if (l == 0) {
			copy[i++] = '?';
		} else {
			memcpy(copy + i, text + i, l);
			i += l;
		}
	}
	copy[n] = '\0';
	s = json_stringn(copy, n);
	free(copy);
	return s;
}

json_t *
vs_rpc_error(json_t *id, int code, const char *message)
{
	json_t *msg, *err, *resp;

	if (message == NULL)
		message = default_message(code);
	msg = json_string_sanitized(message);
	if (msg == NULL)
		return NULL;
	err = json_pack("{s:i, s:o}", "code", code, "message", msg);
	if (err == NULL)
		return NULL;
	/* "O" increfs the borrowed id; a missing id is answered with null. */
	resp = json_pack("{s:s, s:O, s:o}", "jsonrpc", "2.0",
			 "id", id != NULL ? id : json_null(), "error", err);
	return resp;
}

json_t *
vs_rpc_result(json_t *id, json_t *result)
{
	/* A NULL result means "nothing to report": send an empty object. */
	if (result == NULL)
		result = json_object();
	if (result == NULL)
		return NULL;
	return json_pack("{s:s, s:O, s:o}", "jsonrpc", "2.0",
			 "id", id != NULL ? id : json_null(), "result", result);
}

json_t *
vs_rpc_request(json_t *id, const char *method, json_t *params)
{
	json_t *req;

	/* Members in the order of the JSON-RPC spec, for readable traces. */
	req = json_object();
	if (req == NULL || method == NULL ||
	    json_object_set_new(req, "jsonrpc", json_string("2.0")) < 0 ||
	    (id != NULL && json_object_set(req, "id", id) < 0) ||  /* none: a notification */
	    json_object_set_new(req, "method", json_string(method)) < 0)
		goto fail;
	if (params != NULL) {   /* none is the same as {} */
		if (json_object_set_new(req, "params", params) < 0) {
			params = NULL;  /* json_object_set_new() released it */
			goto fail;
		}
	}
	return req;
fail:
	json_decref(params);
	json_decref(req);
	return NULL;
}

char *
vs_rpc_encode(const json_t *msg)
{
	char *text, *line;
	size_t len;

	if (msg == NULL)
		return NULL;
	/*
	 * Compact output never contains a raw newline: newlines inside strings
	 * are escaped as "\n", which is what makes '\n' a safe frame end.
	 */
	text = json_dumps(msg, JSON_COMPACT | JSON_ENCODE_ANY);
	if (text == NULL)
		return NULL;
	len = strlen(text);
	line = realloc(text, len + 2);
	if (line == NULL) {
		free(text);
		return NULL;
	}
	line[len] = '\n';
	line[len + 1] = '\0';
	return line;
}

/* Fill *error_response and return code; message is printf-style. */
static int __attribute__((format(printf, 4, 5)))
request_error(json_t **error_response, json_t *id, int code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (error_response != NULL)
		*error_response = vs_rpc_error(id, code, msg);
	return code;
}

static bool
all_blank(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return false;
	return true;
}

static bool
is_request_member(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(request_members) / sizeof(request_members[0]); i++)
		if (strcmp(key, request_members[i]) == 0)
			return true;
	return false;
}

int
vs_rpc_decode_request(const char *line, size_t len, struct vs_rpc_request *req,
		      json_t **error_response)
{
	json_t *root, *id, *v, *params;
	const char *nul, *key;
	json_error_t jerr;
	int code;

	if (error_response != NULL)
		*error_response = NULL;
	memset(req, 0, sizeof(*req));

	if (line == NULL)
		len = 0;
	/* Checked before parsing so a huge line costs no parse work. */
	if (len > VS_RPC_MAX_LINE)
		return request_error(error_response, NULL, VS_RPC_INVALID_REQUEST,
				     "request too long: %zu bytes (limit %d)",
				     len, VS_RPC_MAX_LINE);
	/*
	 * JSON text cannot contain a raw NUL; jansson would report it as an
	 * obscure token error, so name it here.
	 */
	nul = line != NULL ? memchr(line, '\0', len) : NULL;
	if (nul != NULL)
		return request_error(error_response, NULL, VS_RPC_PARSE_ERROR,
				     "parse error at column %zu: NUL byte in request",
				     (size_t)(nul - line) + 1);
	if (all_blank(line, len))
		return request_error(error_response, NULL, VS_RPC_PARSE_ERROR,
				     "parse error: empty request");

	/*
	 * DECODE_ANY so that a valid non-object ("42") is an invalid request
	 * rather than a parse error, as JSON-RPC asks. Duplicate keys are
	 * refused: which of two "method" members would we run?
	 */
	root = json_loadb(line, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL)
		return request_error(error_response, NULL, VS_RPC_PARSE_ERROR,
				     "parse error at column %d: %s", jerr.column, jerr.text);

	if (json_is_array(root)) {
		code = request_error(error_response, NULL, VS_RPC_INVALID_REQUEST,
				     "invalid request: batch requests (arrays) are not supported");
		goto fail;
	}
	if (!json_is_object(root)) {
		code = request_error(error_response, NULL, VS_RPC_INVALID_REQUEST,
				     "invalid request: expected an object, got %s",
				     type_name(root));
		goto fail;
	}

	/* The id first, so that every later error can be matched to it. */
	id = json_object_get(root, "id");
	if (id != NULL && !json_is_string(id) && !json_is_number(id) && !json_is_null(id)) {
		code = request_error(error_response, NULL, VS_RPC_INVALID_REQUEST,
				     "invalid request: \"id\" must be a string, a number or null, got %s",
				     type_name(id));
		goto fail;
	}

	v = json_object_get(root, "jsonrpc");
	if (v == NULL) {
		code = request_error(error_response, id, VS_RPC_INVALID_REQUEST,
				     "invalid request: missing \"jsonrpc\": \"2.0\"");
		goto fail;
	}
	if (!json_is_string(v) || strcmp(json_string_value(v), "2.0") != 0) {
		code = request_error(error_response, id, VS_RPC_INVALID_REQUEST,
				     "invalid request: \"jsonrpc\" must be \"2.0\"");
		goto fail;
	}

	v = json_object_get(root, "method");
	if (v == NULL) {
		code = request_error(error_response, id, VS_RPC_INVALID_REQUEST,
				     "invalid request: missing \"method\"");
		goto fail;
	}
	if (!json_is_string(v)) {
		code = request_error(error_response, id, VS_RPC_INVALID_REQUEST,
				     "invalid request: \"method\" must be a string, got %s",
				     type_name(v));
		goto fail;
	}
	if (json_string_length(v) == 0) {
		code = request_error(error_response, id, VS_RPC_INVALID_REQUEST,
				     "invalid request: \"method\" is empty");
		goto fail;
	}

	/*
	 * A misspelt member ("param") would otherwise be ignored silently and
	 * the method run without its parameters.
	 */
	json_object_foreach(root, key, v) {
		if (!is_request_member(key)) {
			code = request_error(error_response, id, VS_RPC_INVALID_REQUEST,
					     "invalid request: unknown member \"%.64s\" (expected jsonrpc, id, method, params)",
					     key);
			goto fail;
		}
	}

	params = json_object_get(root, "params");
	if (params == NULL) {
		/* Owned by root, like a params the client sent. */
		if (json_object_set_new(root, "params", json_object()) < 0) {
			code = request_error(error_response, id, VS_RPC_INTERNAL_ERROR,
					     "internal error: out of memory");
			goto fail;
		}
		params = json_object_get(root, "params");
	} else if (json_is_array(params)) {
		code = request_error(error_response, id, VS_RPC_INVALID_PARAMS,
				     "invalid params: positional (array) params are not supported, use an object of named params");
		goto fail;
	} else if (!json_is_object(params)) {
		code = request_error(error_response, id, VS_RPC_INVALID_PARAMS,
				     "invalid params: \"params\" must be an object, got %s",
				     type_name(params));
		goto fail;
	}

	req->root = root;
	req->id = id;
	req->method = json_string_value(json_object_get(root, "method"));
	req->params = params;
	return 0;
fail:
	json_decref(root);
	return code;
}

void
vs_rpc_request_release(struct vs_rpc_request *req)
{
	if (req == NULL)
		return;
	json_decref(req->root);
	memset(req, 0, sizeof(*req));
}

/* Set *message to a malloc()ed copy of printf-style text; return code. */
static int __attribute__((format(printf, 3, 4)))
response_error(char **message, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(message, fmt, ap) < 0)
		*message = NULL;
	va_end(ap);
	return code;
}

int
vs_rpc_decode_response(const char *line, size_t len, json_t **result, char **message)
{
	json_t *root, *v, *res, *err, *code_v;
	json_error_t jerr;
	json_int_t code;
	int ret;

	*result = NULL;
	*message = NULL;

	/*
	 * A malformed response is reported as VS_RPC_PARSE_ERROR with a message
	 * starting "malformed response": the caller cannot act on it either way.
	 * No length limit here: a full MAC table legitimately exceeds
	 * VS_RPC_MAX_LINE, and the client chose to read it.
	 */
	if (line == NULL || all_blank(line, len))
		return response_error(message, VS_RPC_PARSE_ERROR,
				      "malformed response: empty line");
	if (memchr(line, '\0', len) != NULL)
		return response_error(message, VS_RPC_PARSE_ERROR,
				      "malformed response: NUL byte in response");
	root = json_loadb(line, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL)
		return response_error(message, VS_RPC_PARSE_ERROR,
				      "malformed response: column %d: %s", jerr.column, jerr.text);

	ret = VS_RPC_PARSE_ERROR;
	if (!json_is_object(root)) {
		response_error(message, ret, "malformed response: expected an object, got %s",
			       type_name(root));
		goto out;
	}
	v = json_object_get(root, "jsonrpc");
	if (!json_is_string(v) || strcmp(json_string_value(v), "2.0") != 0) {
		response_error(message, ret, "malformed response: \"jsonrpc\" is not \"2.0\"");
		goto out;
	}
	v = json_object_get(root, "id");
	if (v == NULL || !(json_is_string(v) || json_is_number(v) || json_is_null(v))) {
		response_error(message, ret, "malformed response: missing or invalid \"id\"");
		goto out;
	}
	res = json_object_get(root, "result");
	err = json_object_get(root, "error");
	if ((res == NULL) == (err == NULL)) {
		response_error(message, ret,
			       "malformed response: expected exactly one of \"result\" and \"error\"");
		goto out;
	}
	if (res != NULL) {
		*result = json_incref(res);
		ret = 0;
		goto out;
	}

	code_v = json_object_get(err, "code");
	if (!json_is_object(err) || !json_is_integer(code_v)) {
		response_error(message, ret, "malformed response: \"error\" has no integer \"code\"");
		goto out;
	}
	/* Negative, so that it cannot be mistaken for success by the caller. */
	code = json_integer_value(code_v);
	if (code >= 0 || code < INT32_MIN) {
		response_error(message, ret,
			       "malformed response: error code %" JSON_INTEGER_FORMAT " out of range",
			       code);
		goto out;
	}
	ret = (int)code;
	v = json_object_get(err, "message");
	if (json_is_string(v))
		*message = strdup(json_string_value(v));
	else
		response_error(message, ret, "error %d (no message)", ret);
out:
	json_decref(root);
	return ret;
}

/* Fetch params.name; 0 with *out (NULL when absent and optional) or -EINVAL. */
static int
param_get(const json_t *params, const char *name, bool required, json_type type,
	  const char *type_desc, json_t **out, char *err, size_t errlen)
{
	json_t *v;

	*out = NULL;
	v = json_object_get(params, name);
	if (v == NULL) {
		if (!required)
			return 0;
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "params.%s: missing", name);
		return -EINVAL;
	}
	if (json_typeof(v) != type) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "params.%s: expected %s", name, type_desc);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

int
vs_rpc_param_string(const json_t *params, const char *name, bool required,
		    const char **out, char *err, size_t errlen)
{
	json_t *v;
	int ret;

	ret = param_get(params, name, required, JSON_STRING, "a string", &v, err, errlen);
	*out = v != NULL ? json_string_value(v) : NULL;
	return ret;
}

int
vs_rpc_param_object(const json_t *params, const char *name, bool required,
		    json_t **out, char *err, size_t errlen)
{
	return param_get(params, name, required, JSON_OBJECT, "an object", out, err, errlen);
}
