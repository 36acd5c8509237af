/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the control protocol codec (control/rpc.c) and of vsctl's
 * command table (control/vsctl_cmds.c): what goes on the wire, which error
 * code and message a bad line earns, and the exact text vsctl prints.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rpc.h"
#include "vsctl_cmds.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Compact encoding of v, for exact comparisons; caller frees. */
static char *
dump(const json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

	assert_non_null(s);
	return s;
}

static void
assert_json_text(const json_t *v, const char *expected)
{
	char *s = dump(v);

	assert_string_equal(s, expected);
	free(s);
}

/* ---- request decoding: good lines ---------------------------------------- */

struct good_case {
	const char *line;
	const char *method;
	const char *id;         /* compact JSON of the id; NULL: a notification */
	const char *params;     /* compact JSON of params */
};

static const struct good_case good_cases[] = {
	{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"list-br\"}",
	  "list-br", "1", "{}" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"method\":\"add-br\",\"params\":{\"bridge\":\"br0\"}}",
	  "add-br", "\"abc\"", "{\"bridge\":\"br0\"}" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"show\",\"params\":{}}",
	  "show", "null", "{}" },
	{ "{\"jsonrpc\":\"2.0\",\"method\":\"pmd-stats-clear\"}",
	  "pmd-stats-clear", NULL, "{}" },
	/* Member order is free, whitespace and a CR (socat crlf) are fine. */
	{ " { \"method\" : \"show\", \"id\" : -7, \"jsonrpc\" : \"2.0\" }\r",
	  "show", "-7", "{}" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"version\"}",
	  "version", "1.5", "{}" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"add-port\",\"params\":"
	  "{\"bridge\":\"br0\",\"port\":\"p\\u00e9\",\"options\":{\"type\":\"patch\",\"peer\":\"x\"}}}",
	  "add-port", "2",
	  "{\"bridge\":\"br0\",\"port\":\"p\u00e9\",\"options\":{\"type\":\"patch\",\"peer\":\"x\"}}" },
};

static void
test_decode_good(void **state)
{
	struct vs_rpc_request req;
	json_t *err;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(good_cases); i++) {
		const struct good_case *c = &good_cases[i];

		print_message("good[%zu]: %s\n", i, c->line);
		err = (json_t *)0x1;
		assert_int_equal(vs_rpc_decode_request(c->line, strlen(c->line), &req, &err), 0);
		assert_null(err);
		assert_non_null(req.root);
		assert_string_equal(req.method, c->method);
		if (c->id == NULL)
			assert_null(req.id);
		else
			assert_json_text(req.id, c->id);
		assert_true(json_is_object(req.params));
		assert_json_text(req.params, c->params);
		vs_rpc_request_release(&req);
		assert_null(req.root);
	}
}

/* The decoder honours len: bytes after it are not part of the request. */
static void
test_decode_uses_len(void **state)
{
	static const char buf[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"show\"}GARBAGE";
	struct vs_rpc_request req;
	json_t *err;

	(void)state;
	assert_int_equal(vs_rpc_decode_request(buf, sizeof(buf) - 1 - 7, &req, &err), 0);
	assert_string_equal(req.method, "show");
	vs_rpc_request_release(&req);

	/* No error response wanted: still the code, and no leak. */
	assert_int_equal(vs_rpc_decode_request(buf, sizeof(buf) - 1, &req, NULL),
			 VS_RPC_PARSE_ERROR);
	assert_null(req.root);
	vs_rpc_request_release(&req);   /* harmless on a failed decode */
}

/* ---- request decoding: bad lines ----------------------------------------- */

struct bad_case {
	const char *line;
	int code;
	const char *message;
	const char *id;         /* compact JSON of the error response's id */
};

static const struct bad_case bad_cases[] = {
	/* Not JSON at all. */
	{ "", VS_RPC_PARSE_ERROR, "parse error: empty request", "null" },
	{ " \t\r", VS_RPC_PARSE_ERROR, "parse error: empty request", "null" },
	{ "hello", VS_RPC_PARSE_ERROR,
	  "parse error at column 5: invalid token near 'hello'", "null" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"show\"", VS_RPC_PARSE_ERROR,
	  "parse error at column 39: '}' expected near end of file", "null" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"show\"} x", VS_RPC_PARSE_ERROR,
	  "parse error at column 42: end of file expected near 'x'", "null" },
	{ "{'jsonrpc':'2.0'}", VS_RPC_PARSE_ERROR,
	  "parse error at column 2: string or '}' expected near '''", "null" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"show\",\"method\":\"del-br\"}",
	  VS_RPC_PARSE_ERROR,
	  "parse error at column 48: duplicate object key near '\"method\"'", "null" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"sh\\u0000ow\"}", VS_RPC_PARSE_ERROR,
	  "parse error at column 45: \\u0000 is not allowed without JSON_ALLOW_NUL "
	  "near '\"sh\\u0000ow\"'", "null" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\xff\"}", VS_RPC_PARSE_ERROR,
	  "parse error at column 34: unable to decode byte 0xff near '\"'", "null" },
	{ "{\"id\":99999999999999999999999}", VS_RPC_PARSE_ERROR,
	  "parse error at column 29: too big integer", "null" },

	/* JSON, but not a request object. */
	{ "[]", VS_RPC_INVALID_REQUEST,
	  "invalid request: batch requests (arrays) are not supported", "null" },
	{ "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"show\"}]", VS_RPC_INVALID_REQUEST,
	  "invalid request: batch requests (arrays) are not supported", "null" },
	{ "42", VS_RPC_INVALID_REQUEST, "invalid request: expected an object, got a number", "null" },
	{ "\"show\"", VS_RPC_INVALID_REQUEST,
	  "invalid request: expected an object, got a string", "null" },
	{ "null", VS_RPC_INVALID_REQUEST, "invalid request: expected an object, got null", "null" },
	{ "true", VS_RPC_INVALID_REQUEST,
	  "invalid request: expected an object, got a boolean", "null" },

	/* A bad id cannot be echoed: the answer carries id null. */
	{ "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"show\"}", VS_RPC_INVALID_REQUEST,
	  "invalid request: \"id\" must be a string, a number or null, got an object", "null" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":[1],\"method\":\"show\"}", VS_RPC_INVALID_REQUEST,
	  "invalid request: \"id\" must be a string, a number or null, got an array", "null" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"show\"}", VS_RPC_INVALID_REQUEST,
	  "invalid request: \"id\" must be a string, a number or null, got a boolean", "null" },

	/* jsonrpc member; from here on the id is echoed. */
	{ "{\"id\":1,\"method\":\"show\"}", VS_RPC_INVALID_REQUEST,
	  "invalid request: missing \"jsonrpc\": \"2.0\"", "1" },
	{ "{\"jsonrpc\":\"1.0\",\"id\":\"a\",\"method\":\"show\"}", VS_RPC_INVALID_REQUEST,
	  "invalid request: \"jsonrpc\" must be \"2.0\"", "\"a\"" },
	{ "{\"jsonrpc\":2.0,\"id\":3,\"method\":\"show\"}", VS_RPC_INVALID_REQUEST,
	  "invalid request: \"jsonrpc\" must be \"2.0\"", "3" },

	/* method member. */
	{ "{\"jsonrpc\":\"2.0\",\"id\":\"x\"}", VS_RPC_INVALID_REQUEST,
	  "invalid request: missing \"method\"", "\"x\"" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":7}", VS_RPC_INVALID_REQUEST,
	  "invalid request: \"method\" must be a string, got a number", "4" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":null}", VS_RPC_INVALID_REQUEST,
	  "invalid request: \"method\" must be a string, got null", "4" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"\"}", VS_RPC_INVALID_REQUEST,
	  "invalid request: \"method\" is empty", "5" },

	/* Unknown members: a typo must not silently drop the params. */
	{ "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"add-br\",\"param\":{\"bridge\":\"b\"}}",
	  VS_RPC_INVALID_REQUEST,
	  "invalid request: unknown member \"param\" (expected jsonrpc, id, method, params)", "6" },

	/* params: named only. */
	{ "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"add-br\",\"params\":[\"br0\"]}",
	  VS_RPC_INVALID_PARAMS,
	  "invalid params: positional (array) params are not supported, "
	  "use an object of named params", "7" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"add-br\",\"params\":\"br0\"}",
	  VS_RPC_INVALID_PARAMS, "invalid params: \"params\" must be an object, got a string", "8" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"show\",\"params\":null}",
	  VS_RPC_INVALID_PARAMS, "invalid params: \"params\" must be an object, got null", "9" },
	{ "{\"jsonrpc\":\"2.0\",\"method\":\"show\",\"params\":1}",
	  VS_RPC_INVALID_PARAMS, "invalid params: \"params\" must be an object, got a number",
	  "null" },
};

/*
 * Check one bad line: the code, then the complete error response as it
 * will go out (it must encode, and vsctl must read back the same error).
 */
static void
check_bad(const char *line, size_t linelen, int code, const char *message, const char *id)
{
	struct vs_rpc_request req;
	json_t *err = NULL, *result;
	char *wire, *expected, *msg;
	size_t len;

	assert_int_equal(vs_rpc_decode_request(line, linelen, &req, &err), code);
	assert_null(req.root);
	assert_non_null(err);
	assert_int_equal(asprintf(&expected,
				  "{\"jsonrpc\":\"2.0\",\"id\":%s,\"error\":{\"code\":%d,\"message\":",
				  id, code) > 0, 1);
	wire = vs_rpc_encode(err);
	assert_non_null(wire);
	assert_memory_equal(wire, expected, strlen(expected));
	len = strlen(wire);
	assert_int_equal(wire[len - 1], '\n');
	assert_null(memchr(wire, '\n', len - 1));

	assert_int_equal(vs_rpc_decode_response(wire, strlen(wire) - 1, &result, &msg), code);
	assert_null(result);
	assert_string_equal(msg, message);

	free(msg);
	free(wire);
	free(expected);
	json_decref(err);
}

static void
test_decode_bad(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];

		print_message("bad[%zu]: %s\n", i, c->line);
		check_bad(c->line, strlen(c->line), c->code, c->message, c->id);
	}
}

static void
test_decode_nul_byte(void **state)
{
	static const char line[] = "{\"jsonrpc\":\"2.0\"\0,\"id\":1,\"method\":\"show\"}";

	(void)state;
	check_bad(line, sizeof(line) - 1, VS_RPC_PARSE_ERROR,
		  "parse error at column 17: NUL byte in request", "null");
}

/* Exactly VS_RPC_MAX_LINE bytes pass; one more is refused unparsed. */
static void
test_decode_max_line(void **state)
{
	static const char req[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"show\"}";
	struct vs_rpc_request r;
	json_t *err;
	char *line;

	(void)state;
	line = malloc(VS_RPC_MAX_LINE + 1);
	assert_non_null(line);
	memset(line, ' ', VS_RPC_MAX_LINE + 1);
	memcpy(line, req, sizeof(req) - 1);

	assert_int_equal(vs_rpc_decode_request(line, VS_RPC_MAX_LINE, &r, &err), 0);
	assert_string_equal(r.method, "show");
	vs_rpc_request_release(&r);

	check_bad(line, VS_RPC_MAX_LINE + 1, VS_RPC_INVALID_REQUEST,
		  "request too long: 67108865 bytes (limit 67108864)", "null");
	free(line);
}

/* ---- response decoding --------------------------------------------------- */

struct response_case {
	const char *line;
	int code;
	const char *result;     /* compact JSON of the result when code is 0 */
	const char *message;    /* else the message */
};

static const struct response_case response_cases[] = {
	{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"bridges\":[\"br0\",\"br1\"]}}",
	  0, "{\"bridges\":[\"br0\",\"br1\"]}", NULL },
	{ "{\"jsonrpc\":\"2.0\",\"id\":null,\"result\":{}}", 0, "{}", NULL },
	{ "{\"result\":5,\"id\":\"q\",\"jsonrpc\":\"2.0\"}", 0, "5", NULL },
	{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32000,"
	  "\"message\":\"bridge 'br0' already exists\"}}",
	  VS_RPC_OP_FAILED, NULL, "bridge 'br0' already exists" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32601,\"message\":\"x\",\"data\":1}}",
	  VS_RPC_METHOD_NOT_FOUND, NULL, "x" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32000}}",
	  VS_RPC_OP_FAILED, NULL, "error -32000 (no message)" },

	/* Garbage: always VS_RPC_PARSE_ERROR and "malformed response". */
	{ "", VS_RPC_PARSE_ERROR, NULL, "malformed response: empty line" },
	{ "Segmentation fault", VS_RPC_PARSE_ERROR, NULL,
	  "malformed response: column 12: invalid token near 'Segmentation'" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":", VS_RPC_PARSE_ERROR, NULL,
	  "malformed response: column 33: unexpected token near end of file" },
	{ "[1]", VS_RPC_PARSE_ERROR, NULL, "malformed response: expected an object, got an array" },
	{ "{\"id\":1,\"result\":{}}", VS_RPC_PARSE_ERROR, NULL,
	  "malformed response: \"jsonrpc\" is not \"2.0\"" },
	{ "{\"jsonrpc\":\"2.0\",\"result\":{}}", VS_RPC_PARSE_ERROR, NULL,
	  "malformed response: missing or invalid \"id\"" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":[],\"result\":{}}", VS_RPC_PARSE_ERROR, NULL,
	  "malformed response: missing or invalid \"id\"" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":1}", VS_RPC_PARSE_ERROR, NULL,
	  "malformed response: expected exactly one of \"result\" and \"error\"" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{},\"error\":{\"code\":-1,\"message\":\"m\"}}",
	  VS_RPC_PARSE_ERROR, NULL,
	  "malformed response: expected exactly one of \"result\" and \"error\"" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":\"boom\"}", VS_RPC_PARSE_ERROR, NULL,
	  "malformed response: \"error\" has no integer \"code\"" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":\"-1\",\"message\":\"m\"}}",
	  VS_RPC_PARSE_ERROR, NULL, "malformed response: \"error\" has no integer \"code\"" },
	/* A code that could be mistaken for success. */
	{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":0,\"message\":\"m\"}}",
	  VS_RPC_PARSE_ERROR, NULL, "malformed response: error code 0 out of range" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-9999999999,\"message\":\"m\"}}",
	  VS_RPC_PARSE_ERROR, NULL, "malformed response: error code -9999999999 out of range" },
};

static void
test_decode_response(void **state)
{
	json_t *result;
	char *msg;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(response_cases); i++) {
		const struct response_case *c = &response_cases[i];

		print_message("response[%zu]: %s\n", i, c->line);
		result = (json_t *)0x1;
		msg = (char *)0x1;
		assert_int_equal(vs_rpc_decode_response(c->line, strlen(c->line), &result, &msg),
				 c->code);
		if (c->code == 0) {
			assert_null(msg);
			assert_json_text(result, c->result);
			json_decref(result);
		} else {
			assert_null(result);
			assert_string_equal(msg, c->message);
			free(msg);
		}
	}
}

static void
test_decode_response_nul(void **state)
{
	static const char line[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\0\"result\":{}}";
	json_t *result;
	char *msg;

	(void)state;
	assert_int_equal(vs_rpc_decode_response(line, sizeof(line) - 1, &result, &msg),
			 VS_RPC_PARSE_ERROR);
	assert_null(result);
	assert_string_equal(msg, "malformed response: NUL byte in response");
	free(msg);
}

/* ---- encoding ------------------------------------------------------------ */

static void
test_encode_request(void **state)
{
	json_t *id = json_integer(1), *msg;
	char *line;

	(void)state;
	msg = vs_rpc_request(id, "add-br", json_pack("{s:s}", "bridge", "br0"));
	line = vs_rpc_encode(msg);
	assert_string_equal(line,
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"add-br\",\"params\":{\"bridge\":\"br0\"}}\n");
	free(line);
	json_decref(msg);

	/* No id: a notification; no params: the member is left out. */
	msg = vs_rpc_request(NULL, "show", NULL);
	line = vs_rpc_encode(msg);
	assert_string_equal(line, "{\"jsonrpc\":\"2.0\",\"method\":\"show\"}\n");
	free(line);
	json_decref(msg);

	/* Failures release the stolen params (valgrind checks). */
	assert_null(vs_rpc_request(id, NULL, json_object()));
	assert_null(vs_rpc_request(id, "bad\xff", json_object()));
	assert_null(vs_rpc_encode(NULL));

	/* id is borrowed: still ours. */
	assert_int_equal(id->refcount, 1);
	json_decref(id);
}

static void
test_encode_responses(void **state)
{
	json_t *id = json_string("abc"), *msg;
	char *line;

	(void)state;
	msg = vs_rpc_result(id, json_pack("{s:i}", "flushed", 3));
	line = vs_rpc_encode(msg);
	assert_string_equal(line, "{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"result\":{\"flushed\":3}}\n");
	free(line);
	json_decref(msg);

	msg = vs_rpc_result(NULL, NULL);
	line = vs_rpc_encode(msg);
	assert_string_equal(line, "{\"jsonrpc\":\"2.0\",\"id\":null,\"result\":{}}\n");
	free(line);
	json_decref(msg);

	msg = vs_rpc_error(id, VS_RPC_OP_FAILED, "port 'p1' not found");
	line = vs_rpc_encode(msg);
	assert_string_equal(line, "{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"error\":"
			    "{\"code\":-32000,\"message\":\"port 'p1' not found\"}}\n");
	free(line);
	json_decref(msg);

	/* No message: the standard one. */
	msg = vs_rpc_error(NULL, VS_RPC_METHOD_NOT_FOUND, NULL);
	line = vs_rpc_encode(msg);
	assert_string_equal(line, "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":"
			    "{\"code\":-32601,\"message\":\"method not found\"}}\n");
	free(line);
	json_decref(msg);

	/* A message quoting invalid UTF-8 still goes out, bad bytes as '?'. */
	msg = vs_rpc_error(id, VS_RPC_INVALID_PARAMS, "bad \xff\xfe name '\xc3\xa9\xc3'");
	line = vs_rpc_encode(msg);
	assert_string_equal(line, "{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"error\":"
			    "{\"code\":-32602,\"message\":\"bad ?? name '\u00e9?'\"}}\n");
	free(line);
	json_decref(msg);

	assert_int_equal(id->refcount, 1);
	json_decref(id);
}

/*
 * Whatever the strings hold, the encoding is one line, and decoding it
 * gives the same values back.
 */
static void
test_encode_round_trip(void **state)
{
	static const char *const tricky[] = {
		"a\nb", "\r\n", "line1\nline2\n", "tab\there", "quote\"back\\slash",
		"\x01\x1f\x7f", "caf\u00e9 \u65e5\u672c \U0001F600", "",
	};
	struct vs_rpc_request req;
	json_t *params, *msg, *err, *result, *id;
	char *line, *m;
	size_t i, len;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(tricky); i++) {
		params = json_pack("{s:s, s:{s:s}}", "port", tricky[i], "options", "k", tricky[i]);
		assert_non_null(params);
		id = json_string(tricky[i]);
		msg = vs_rpc_request(id, "set-port", json_incref(params));
		line = vs_rpc_encode(msg);
		assert_non_null(line);
		len = strlen(line);
		assert_true(len > 0 && line[len - 1] == '\n');
		assert_null(memchr(line, '\n', len - 1));
		assert_null(memchr(line, '\r', len - 1));

		assert_int_equal(vs_rpc_decode_request(line, len - 1, &req, &err), 0);
		assert_string_equal(req.method, "set-port");
		assert_true(json_equal(req.params, params));
		assert_true(json_equal(req.id, id));
		free(line);

		/* And back as a result to vsctl. */
		json_decref(msg);
		msg = vs_rpc_result(req.id, json_incref(params));
		vs_rpc_request_release(&req);
		line = vs_rpc_encode(msg);
		len = strlen(line);
		assert_null(memchr(line, '\n', len - 1));
		assert_int_equal(vs_rpc_decode_response(line, len - 1, &result, &m), 0);
		assert_true(json_equal(result, params));
		json_decref(result);
		free(line);
		json_decref(msg);

		/* An error message with newlines stays on one line too. */
		msg = vs_rpc_error(id, VS_RPC_OP_FAILED, tricky[i]);
		line = vs_rpc_encode(msg);
		len = strlen(line);
		assert_null(memchr(line, '\n', len - 1));
		assert_int_equal(vs_rpc_decode_response(line, len - 1, &result, &m),
				 VS_RPC_OP_FAILED);
		assert_string_equal(m, tricky[i]);
		free(m);
		free(line);
		json_decref(msg);
		json_decref(id);
		json_decref(params);
	}
}

/* ---- param helpers ------------------------------------------------------- */

static void
test_param_helpers(void **state)
{
	json_t *params = json_loads("{\"bridge\":\"br0\",\"port\":5,\"options\":{\"a\":\"b\"},"
				    "\"n\":null}", 0, NULL);
	const char *s;
	json_t *o;
	char err[64];

	(void)state;
	assert_non_null(params);

	assert_int_equal(vs_rpc_param_string(params, "bridge", true, &s, err, sizeof(err)), 0);
	assert_string_equal(s, "br0");

	strcpy(err, "untouched");
	assert_int_equal(vs_rpc_param_string(params, "peer", false, &s, err, sizeof(err)), 0);
	assert_null(s);
	assert_string_equal(err, "untouched");

	assert_int_equal(vs_rpc_param_string(params, "peer", true, &s, err, sizeof(err)),
			 -EINVAL);
	assert_null(s);
	assert_string_equal(err, "params.peer: missing");

	/* The wrong type is an error even for an optional member. */
	assert_int_equal(vs_rpc_param_string(params, "port", false, &s, err, sizeof(err)),
			 -EINVAL);
	assert_null(s);
	assert_string_equal(err, "params.port: expected a string");
	assert_int_equal(vs_rpc_param_string(params, "n", false, &s, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "params.n: expected a string");
	assert_int_equal(vs_rpc_param_string(params, "options", true, &s, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "params.options: expected a string");

	assert_int_equal(vs_rpc_param_object(params, "options", true, &o, err, sizeof(err)), 0);
	assert_ptr_equal(o, json_object_get(params, "options"));
	assert_int_equal(vs_rpc_param_object(params, "more", false, &o, err, sizeof(err)), 0);
	assert_null(o);
	assert_int_equal(vs_rpc_param_object(params, "more", true, &o, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "params.more: missing");
	assert_int_equal(vs_rpc_param_object(params, "bridge", true, &o, err, sizeof(err)),
			 -EINVAL);
	assert_null(o);
	assert_string_equal(err, "params.bridge: expected an object");

	/* Truncated, never overflowed; a NULL err is allowed. */
	assert_int_equal(vs_rpc_param_object(params, "bridge", true, &o, err, 8), -EINVAL);
	assert_string_equal(err, "params.");
	assert_int_equal(vs_rpc_param_object(params, "bridge", true, &o, NULL, 0), -EINVAL);

	json_decref(params);
}

/* ---- vsctl: arguments -> params ------------------------------------------ */

struct build_case {
	const char *argv[8];    /* command word first, NULL-terminated */
	const char *params;     /* compact JSON of params, or NULL on error */
	const char *err;        /* the usage error, when params is NULL */
};

#define LONG31 "abcdefghijklmnopqrstuvwxyz01234"
#define LONG32 "abcdefghijklmnopqrstuvwxyz012345"

static const struct build_case build_cases[] = {
	{ { "show" }, "{}", NULL },
	{ { "list-br" }, "{}", NULL },
	{ { "add-br", "br0" }, "{\"bridge\":\"br0\",\"options\":{}}", NULL },
	{ { "add-br", "br0", "mac_aging_s=60", "mac_table_size=4096" },
	  "{\"bridge\":\"br0\",\"options\":{\"mac_aging_s\":\"60\",\"mac_table_size\":\"4096\"}}",
	  NULL },
	{ { "del-br", "br0" }, "{\"bridge\":\"br0\"}", NULL },
	{ { "list-ports", "br0" }, "{\"bridge\":\"br0\"}", NULL },
	{ { "add-port", "br0", "ns1", "type=af_xdp", "iface=veth-ns1" },
	  "{\"bridge\":\"br0\",\"port\":\"ns1\",\"options\":{\"type\":\"af_xdp\",\"iface\":\"veth-ns1\"}}",
	  NULL },
	/* type anywhere; values keep later '=' and may be empty. */
	{ { "add-port", "br0", "p0", "devargs=net_pcap0,rx_pcap=a.pcap", "type=dpdk", "trunks=" },
	  "{\"bridge\":\"br0\",\"port\":\"p0\",\"options\":{\"devargs\":\"net_pcap0,rx_pcap=a.pcap\","
	  "\"type\":\"dpdk\",\"trunks\":\"\"}}", NULL },
	{ { "del-port", "p1" }, "{\"port\":\"p1\"}", NULL },
	{ { "del-port", "br0", "p1" }, "{\"bridge\":\"br0\",\"port\":\"p1\"}", NULL },
	{ { "set-port", "p1", "tag=10" }, "{\"port\":\"p1\",\"options\":{\"tag\":\"10\"}}", NULL },
	{ { "fdb-show", "br0" }, "{\"bridge\":\"br0\"}", NULL },
	{ { "fdb-flush", "br0" }, "{\"bridge\":\"br0\"}", NULL },
	{ { "port-stats" }, "{}", NULL },
	{ { "port-stats", "ns1" }, "{\"port\":\"ns1\"}", NULL },
	{ { "pmd-stats" }, "{}", NULL },
	{ { "pmd-stats-clear" }, "{}", NULL },
	{ { "version" }, "{}", NULL },
	{ { "add-br", LONG31 }, "{\"bridge\":\"" LONG31 "\",\"options\":{}}", NULL },

	/* Argument counts. */
	{ { "show", "x" }, NULL, "show: too many arguments (usage: vsctl show)" },
	{ { "add-br" }, NULL, "add-br: missing arguments (usage: vsctl add-br BRIDGE [KEY=VALUE...])" },
	{ { "del-br", "a", "b" }, NULL, "del-br: too many arguments (usage: vsctl del-br BRIDGE)" },
	{ { "add-port", "br0", "p1" }, NULL,
	  "add-port: missing arguments (usage: vsctl add-port BRIDGE PORT type=TYPE [KEY=VALUE...])" },
	{ { "del-port" }, NULL, "del-port: missing arguments (usage: vsctl del-port [BRIDGE] PORT)" },
	{ { "del-port", "a", "b", "c" }, NULL,
	  "del-port: too many arguments (usage: vsctl del-port [BRIDGE] PORT)" },
	{ { "set-port", "p1" }, NULL,
	  "set-port: missing arguments (usage: vsctl set-port PORT KEY=VALUE...)" },
	{ { "port-stats", "a", "b" }, NULL,
	  "port-stats: too many arguments (usage: vsctl port-stats [PORT])" },

	/* key=value syntax. */
	{ { "add-port", "br0", "p1", "foo" }, NULL, "add-port: expected key=value, got 'foo'" },
	{ { "add-port", "br0", "p1", "type=dpdk", "=5" }, NULL, "add-port: empty key in '=5'" },
	{ { "add-port", "br0", "p1", "type=dpdk", "mtu=1500", "mtu=9000" }, NULL,
	  "add-port: duplicate key 'mtu'" },
	{ { "add-port", "br0", "p1", "mtu=1500" }, NULL,
	  "add-port: missing type=TYPE (dpdk, af_xdp, patch, vhost-user or vhost-user-client)" },
	{ { "set-port", "p1", "tag" }, NULL, "set-port: expected key=value, got 'tag'" },
	{ { "add-br", "br0", "mac_aging_s=1", "mac_aging_s=2" }, NULL,
	  "add-br: duplicate key 'mac_aging_s'" },
	{ { "add-port", "br0", "p1", "type=dpdk", "devargs=\xff" }, NULL,
	  "add-port: 'devargs=\xff' is not valid UTF-8" },

	/* Names. */
	{ { "add-br", LONG32 }, NULL,
	  "add-br: bridge name '" LONG32 "' is too long (max 31 bytes)" },
	{ { "del-port", "br0", LONG32 }, NULL,
	  "del-port: port name '" LONG32 "' is too long (max 31 bytes)" },
	{ { "add-br", "" }, NULL, "add-br: bridge name is empty" },
	{ { "add-port", "br0", "type=dpdk", "devargs=x" }, NULL,
	  "add-port: expected a port name, got 'type=dpdk'" },
	{ { "fdb-show", "br\xc3" }, NULL, "fdb-show: bridge name is not valid UTF-8" },

	/* Flow commands: rules are checked before anything is sent. */
	{ { "add-flow", "br0", "priority=10,ip,nw_dst=10.0.0.0/24,actions=output:fw" },
	  "{\"bridge\":\"br0\",\"flow\":\"priority=10,ip,nw_dst=10.0.0.0/24,actions=output:fw\"}",
	  NULL },
	{ { "add-flow", "br0", "ip,nw_dest=10.0.0.1,actions=drop" }, NULL,
	  "add-flow: column 4: unknown field 'nw_dest'" },
	{ { "add-flow", "br0", "in_port=p1" }, NULL, "add-flow: column 11: missing actions=" },
	{ { "add-flow", "br0" }, NULL,
	  "add-flow: missing arguments (usage: vsctl add-flow BRIDGE RULE)" },
	{ { "del-flows", "br0" }, "{\"bridge\":\"br0\"}", NULL },
	{ { "del-flows", "br0", "in_port=p1,ip" }, "{\"bridge\":\"br0\",\"match\":\"in_port=p1,ip\"}",
	  NULL },
	{ { "dump-flows", "br0", "tcp" }, "{\"bridge\":\"br0\",\"match\":\"tcp\"}", NULL },
	{ { "dump-flows", "br0", "ip,actions=drop" }, NULL,
	  "dump-flows: column 4: actions not allowed here" },
	{ { "add-flows", "br0", "/nonexistent/rules" }, NULL,
	  "add-flows: cannot open /nonexistent/rules: No such file or directory" },
};

static void
test_vsctl_build(void **state)
{
	const struct vsctl_cmd *cmd;
	char err[256];
	json_t *params;
	size_t i;
	int argc;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(build_cases); i++) {
		const struct build_case *c = &build_cases[i];

		for (argc = 0; c->argv[argc] != NULL; argc++)
			;
		print_message("build[%zu]: %s (%d args)\n", i, c->argv[0], argc - 1);
		cmd = vsctl_cmd_find(c->argv[0]);
		assert_non_null(cmd);
		assert_string_equal(cmd->name, c->argv[0]);
		err[0] = '\0';
		if (c->params != NULL) {
			assert_int_equal(vsctl_build_params(cmd, argc - 1, (char *const *)c->argv + 1,
							    &params, err, sizeof(err)), 0);
			assert_json_text(params, c->params);
			json_decref(params);
		} else {
			assert_int_equal(vsctl_build_params(cmd, argc - 1, (char *const *)c->argv + 1,
							    &params, err, sizeof(err)), -EINVAL);
			assert_null(params);
			assert_string_equal(err, c->err);
		}
	}
	assert_null(vsctl_cmd_find("add-bridge"));
	assert_null(vsctl_cmd_find(""));
}

/* ---- vsctl: result -> text ----------------------------------------------- */

struct print_case {
	const char *cmd;
	const char *result;     /* JSON text of the result */
	bool json;
	const char *text;       /* exactly what vsctl prints on stdout */
};

static const struct print_case print_cases[] = {
	/* The example of the design, port by port. */
	{ "show",
	  "{\"pid\":4242,\"version\":\"0.1.0\",\"pmds\":[{\"core\":1,\"node\":0}],"
	  "\"bridges\":[{\"name\":\"br0\",\"mac_aging_s\":300,\"mac_table_size\":262144,"
	  "\"mac_count\":2,\"ports\":["
	  "{\"name\":\"ns1\",\"type\":\"af_xdp\",\"options\":{\"iface\":\"veth-ns1\"},"
	  "\"link\":\"up\",\"mtu\":1500,\"rxq\":1,\"txq\":1,"
	  "\"vlan\":{\"mode\":\"trunk\",\"trunks\":\"all\",\"native\":0},\"rxq_pmds\":[1]},"
	  "{\"name\":\"uplink\",\"type\":\"patch\",\"options\":{\"peer\":\"downlink\"},"
	  "\"link\":\"up\",\"mtu\":1500,\"rxq\":1,\"txq\":1,"
	  "\"vlan\":{\"mode\":\"trunk\",\"trunks\":\"10,20\",\"native\":10},\"rxq_pmds\":[]}]}]}",
	  false,
	  "vswitchd 0.1.0 (pid 4242), 1 PMD: core 1 (numa 0)\n"
	  "Bridge br0 (2 MACs learned, table 262144, aging 300 s)\n"
	  "    Port ns1\n"
	  "        type: af_xdp, iface: veth-ns1\n"
	  "        link: up, mtu 1500, rxq 1 (pmd 1), txq 1\n"
	  "        vlan: trunk, all VLANs\n"
	  "    Port uplink\n"
	  "        type: patch, peer: downlink\n"
	  "        vlan: trunk 10,20, native 10\n" },
	{ "show",
	  "{\"pid\":7,\"version\":\"0.1.0\",\"pmds\":[{\"core\":2,\"node\":0},{\"core\":30,\"node\":1}],"
	  "\"forwarding_code\":\"avx2\","
	  "\"bridges\":[{\"name\":\"a\",\"mac_aging_s\":60,\"mac_table_size\":1024,\"mac_count\":1,"
	  "\"ports\":[{\"name\":\"p0\",\"type\":\"dpdk\",\"options\":{\"devargs\":\"0000:3b:00.0\"},"
	  "\"link\":\"down\",\"mtu\":9000,\"rxq\":2,\"txq\":2,"
	  "\"vlan\":{\"mode\":\"access\",\"tag\":100},\"rxq_pmds\":[2,30]}]},"
	  "{\"name\":\"b\",\"mac_aging_s\":300,\"mac_table_size\":262144,\"mac_count\":0,\"ports\":[]}]}",
	  false,
	  "vswitchd 0.1.0 (pid 7), 2 PMDs: core 2 (numa 0), core 30 (numa 1); forwarding code avx2\n"
	  "Bridge a (1 MAC learned, table 1024, aging 60 s)\n"
	  "    Port p0\n"
	  "        type: dpdk, devargs: 0000:3b:00.0\n"
	  "        link: down, mtu 9000, rxq 2 (pmd 2, 30), txq 2\n"
	  "        vlan: access, tag 100\n"
	  "Bridge b (0 MACs learned, table 262144, aging 300 s)\n" },
	/* Defensive: members missing or of the wrong type print as "?". */
	{ "show", "{}", false, "vswitchd ? (pid ?), 0 PMDs\n" },
	{ "show",
	  "{\"pid\":\"x\",\"pmds\":[7],\"bridges\":[5,{\"ports\":[{\"options\":[1],\"rxq_pmds\":[\"a\"],"
	  "\"vlan\":{\"mode\":\"trunk\",\"trunks\":3,\"native\":\"x\"}},{\"vlan\":7}]}]}",
	  false,
	  "vswitchd ? (pid ?), 1 PMD: core ? (numa ?)\n"
	  "Bridge ? (? MACs learned, table ?, aging ? s)\n"
	  "Bridge ? (? MACs learned, table ?, aging ? s)\n"
	  "    Port ?\n"
	  "        type: ?\n"
	  "        link: ?, mtu ?, rxq ? (pmd ?), txq ?\n"
	  "        vlan: trunk ?\n"
	  "    Port ?\n"
	  "        type: ?\n"
	  "        link: ?, mtu ?, rxq ?, txq ?\n"
	  "        vlan: ?\n" },
	{ "show", "[]", false, "vswitchd ? (pid ?), 0 PMDs\n" },
	/* vhost ports: the guest side, connected or not. */
	{ "show",
	  "{\"pid\":9,\"version\":\"0.1.0\",\"pmds\":[{\"core\":1,\"node\":0}],"
	  "\"bridges\":[{\"name\":\"br0\",\"mac_aging_s\":300,\"mac_table_size\":262144,"
	  "\"mac_count\":0,\"ports\":["
	  "{\"name\":\"vm1\",\"type\":\"vhost-user\",\"options\":{\"path\":\"/run/vs/vm1.sock\"},"
	  "\"link\":\"up\",\"mtu\":1500,\"rxq\":2,\"txq\":2,\"rxq_pmds\":[1,1],"
	  "\"vlan\":{\"mode\":\"access\",\"tag\":10},"
	  "\"vhost\":{\"mode\":\"server\",\"state\":\"connected\",\"vid\":0,"
	  "\"features\":\"0x950008000\",\"numa\":0,\"queues\":2,\"queues_enabled\":2,"
	  "\"connects\":1}},"
	  "{\"name\":\"vm2\",\"type\":\"vhost-user-client\","
	  "\"options\":{\"path\":\"/run/qemu/vm2.sock\"},"
	  "\"link\":\"down\",\"mtu\":1500,\"rxq\":1,\"txq\":1,\"rxq_pmds\":[1],"
	  "\"vlan\":{\"mode\":\"trunk\",\"trunks\":\"all\",\"native\":0},"
	  "\"vhost\":{\"mode\":\"client\",\"state\":\"disconnected\",\"vid\":-1,"
	  "\"features\":\"\",\"numa\":-1,\"queues\":1,\"queues_enabled\":0,"
	  "\"connects\":0}}]}]}",
	  false,
	  "vswitchd 0.1.0 (pid 9), 1 PMD: core 1 (numa 0)\n"
	  "Bridge br0 (0 MACs learned, table 262144, aging 300 s)\n"
	  "    Port vm1\n"
	  "        type: vhost-user, path: /run/vs/vm1.sock\n"
	  "        link: up, mtu 1500, rxq 2 (pmd 1, 1), txq 2\n"
	  "        vhost: server, connected (vid 0), 2/2 queues enabled, features 0x950008000, "
	  "numa 0\n"
	  "        vlan: access, tag 10\n"
	  "    Port vm2\n"
	  "        type: vhost-user-client, path: /run/qemu/vm2.sock\n"
	  "        link: down, mtu 1500, rxq 1 (pmd 1), txq 1\n"
	  "        vhost: client, disconnected\n"
	  "        vlan: trunk, all VLANs\n" },
	/* Defensive: a vhost member missing, of the wrong type, or null. */
	{ "show",
	  "{\"bridges\":[{\"ports\":["
	  "{\"type\":\"vhost-user\",\"vhost\":{\"state\":\"connected\",\"vid\":\"0\","
	  "\"features\":12,\"queues\":[2]}},"
	  "{\"type\":\"vhost-user\",\"vhost\":{\"mode\":3}},"
	  "{\"type\":\"vhost-user\",\"vhost\":null},"
	  "{\"type\":\"vhost-user\",\"vhost\":\"connected\"}]}]}",
	  false,
	  "vswitchd ? (pid ?), 0 PMDs\n"
	  "Bridge ? (? MACs learned, table ?, aging ? s)\n"
	  "    Port ?\n"
	  "        type: vhost-user\n"
	  "        link: ?, mtu ?, rxq ?, txq ?\n"
	  "        vhost: ?, connected (vid ?), ?/? queues enabled, features ?, numa ?\n"
	  "    Port ?\n"
	  "        type: vhost-user\n"
	  "        link: ?, mtu ?, rxq ?, txq ?\n"
	  "        vhost: ?, ?\n"
	  "    Port ?\n"
	  "        type: vhost-user\n"
	  "        link: ?, mtu ?, rxq ?, txq ?\n"
	  "    Port ?\n"
	  "        type: vhost-user\n"
	  "        link: ?, mtu ?, rxq ?, txq ?\n" },

	{ "list-br", "{\"bridges\":[\"br0\",\"br1\"]}", false, "br0\nbr1\n" },
	{ "list-br", "{\"bridges\":[]}", false, "" },
	{ "list-br", "{\"bridges\":[\"br0\",3]}", false, "br0\n?\n" },
	{ "list-ports", "{\"ports\":[\"ns1\",\"ns2\"]}", false, "ns1\nns2\n" },
	{ "list-ports", "{\"ports\":\"ns1\"}", false, "" },

	{ "add-br", "{}", false, "" },
	{ "del-br", "{}", false, "" },
	{ "add-port", "{}", false, "" },
	{ "del-port", "{}", false, "" },
	{ "set-port", "{}", false, "" },
	{ "pmd-stats-clear", "{}", false, "" },

	{ "fdb-show",
	  "{\"entries\":[{\"port\":\"ns1\",\"vlan\":0,\"mac\":\"52:54:00:00:00:01\",\"age\":3},"
	  "{\"port\":\"ns2\",\"vlan\":4094,\"mac\":\"52:54:00:00:00:02\",\"age\":300}]}",
	  false,
	  " port  VLAN  MAC                Age\n"
	  " ns1      0  52:54:00:00:00:01    3\n"
	  " ns2   4094  52:54:00:00:00:02  300\n" },
	/* The port column grows with the longest name. */
	{ "fdb-show",
	  "{\"entries\":[{\"port\":\"uplink-to-core\",\"vlan\":10,\"mac\":\"02:00:00:00:00:0a\",\"age\":0},"
	  "{\"port\":\"p\",\"vlan\":20,\"mac\":\"02:00:00:00:00:0b\",\"age\":12}]}",
	  false,
	  " port            VLAN  MAC                Age\n"
	  " uplink-to-core    10  02:00:00:00:00:0a    0\n"
	  " p                 20  02:00:00:00:00:0b   12\n" },
	{ "fdb-show", "{\"entries\":[]}", false, " port  VLAN  MAC                Age\n" },
	{ "fdb-show", "{\"entries\":[{}, 1]}", false,
	  " port  VLAN  MAC                Age\n"
	  " ?        ?  ?                    ?\n"
	  " ?        ?  ?                    ?\n" },

	{ "fdb-flush", "{\"flushed\":42}", false, "flushed 42 entries\n" },
	{ "fdb-flush", "{\"flushed\":1}", false, "flushed 1 entry\n" },
	{ "fdb-flush", "{\"flushed\":0}", false, "flushed 0 entries\n" },
	{ "fdb-flush", "{}", false, "flushed ? entries\n" },

	{ "port-stats",
	  "{\"ports\":[{\"name\":\"ns1\",\"bridge\":\"br0\",\"rx_packets\":10,\"rx_bytes\":980,"
	  "\"tx_packets\":12,\"tx_bytes\":1176,\"drops_total\":2,"
	  "\"drops\":{\"no_fdb_port\":0,\"vlan_not_allowed\":2,\"tx_full\":0}},"
	  "{\"name\":\"ns2\",\"bridge\":\"br0\",\"rx_packets\":0,\"rx_bytes\":0,"
	  "\"tx_packets\":0,\"tx_bytes\":0,\"drops_total\":0,\"drops\":{\"vlan_not_allowed\":0}},"
	  "{\"name\":\"p9\",\"bridge\":\"br1\",\"rx_packets\":9000000000,\"rx_bytes\":1,"
	  "\"tx_packets\":1,\"tx_bytes\":2,\"drops_total\":5,"
	  "\"drops\":{\"runt\":1,\"tx_full\":4}}]}",
	  false,
	  "port ns1 (bridge br0):\n"
	  "  rx: 10 packets, 980 bytes\n"
	  "  tx: 12 packets, 1176 bytes\n"
	  "  drops: 2 (vlan_not_allowed: 2)\n"
	  "port ns2 (bridge br0):\n"
	  "  rx: 0 packets, 0 bytes\n"
	  "  tx: 0 packets, 0 bytes\n"
	  "  drops: 0\n"
	  "port p9 (bridge br1):\n"
	  "  rx: 9000000000 packets, 1 bytes\n"
	  "  tx: 1 packets, 2 bytes\n"
	  "  drops: 5 (runt: 1, tx_full: 4)\n" },
	/* vhost ports: per queue pair, after the drops. */
	{ "port-stats",
	  "{\"ports\":[{\"name\":\"vm1\",\"bridge\":\"br0\",\"rx_packets\":30,\"rx_bytes\":2940,"
	  "\"tx_packets\":19,\"tx_bytes\":1862,\"drops_total\":3,\"drops\":{\"tx_full\":3},"
	  "\"queues\":[{\"queue\":0,\"rx_packets\":10,\"tx_packets\":12,\"tx_ring_full\":0},"
	  "{\"queue\":1,\"rx_packets\":20,\"tx_packets\":7,\"tx_ring_full\":3}]},"
	  "{\"name\":\"vm2\",\"bridge\":\"br0\",\"rx_packets\":0,\"rx_bytes\":0,"
	  "\"tx_packets\":0,\"tx_bytes\":0,\"drops_total\":0,\"drops\":{},\"queues\":[]}]}",
	  false,
	  "port vm1 (bridge br0):\n"
	  "  rx: 30 packets, 2940 bytes\n"
	  "  tx: 19 packets, 1862 bytes\n"
	  "  drops: 3 (tx_full: 3)\n"
	  "  queue 0: rx 10, tx 12, ring full 0\n"
	  "  queue 1: rx 20, tx 7, ring full 3\n"
	  "port vm2 (bridge br0):\n"
	  "  rx: 0 packets, 0 bytes\n"
	  "  tx: 0 packets, 0 bytes\n"
	  "  drops: 0\n" },
	{ "port-stats",
	  "{\"ports\":[{\"queues\":[{}, 7, {\"queue\":\"0\",\"rx_packets\":1.5}]},"
	  "{\"queues\":{\"queue\":0}}]}",
	  false,
	  "port ? (bridge ?):\n"
	  "  rx: ? packets, ? bytes\n"
	  "  tx: ? packets, ? bytes\n"
	  "  drops: ?\n"
	  "  queue ?: rx ?, tx ?, ring full ?\n"
	  "  queue ?: rx ?, tx ?, ring full ?\n"
	  "  queue ?: rx ?, tx ?, ring full ?\n"
	  "port ? (bridge ?):\n"
	  "  rx: ? packets, ? bytes\n"
	  "  tx: ? packets, ? bytes\n"
	  "  drops: ?\n" },
	{ "port-stats", "{\"ports\":[{\"drops\":{\"x\":\"y\"}}]}", false,
	  "port ? (bridge ?):\n"
	  "  rx: ? packets, ? bytes\n"
	  "  tx: ? packets, ? bytes\n"
	  "  drops: ? (x: ?)\n" },

	{ "pmd-stats",
	  "{\"pmds\":[{\"core\":1,\"node\":0,\"rxqs\":[{\"port\":\"ns1\",\"queue\":0},"
	  "{\"port\":\"ns2\",\"queue\":0}],\"packets\":1234,\"iterations\":99999,"
	  "\"busy_cycles\":2345,\"idle_cycles\":114910,\"cycles_per_packet\":19.0,"
	  "\"tsc_hz\":2100000000},"
	  "{\"core\":2,\"node\":1,\"rxqs\":[],\"packets\":0,\"iterations\":0,"
	  "\"busy_cycles\":0,\"idle_cycles\":0,\"cycles_per_packet\":0,\"tsc_hz\":2100000000}]}",
	  false,
	  "pmd thread core 1 (numa 0):\n"
	  "  rx queues: ns1/0, ns2/0\n"
	  "  packets received: 1234\n"
	  "  iterations: 99999\n"
	  "  idle cycles: 114910 (98.00%)\n"
	  "  processing cycles: 2345 (2.00%)\n"
	  "  avg processing cycles per packet: 19.0\n"
	  "pmd thread core 2 (numa 1):\n"
	  "  rx queues: none\n"
	  "  packets received: 0\n"
	  "  iterations: 0\n"
	  "  idle cycles: 0\n"
	  "  processing cycles: 0\n"
	  "  avg processing cycles per packet: 0.0\n" },
	{ "pmd-stats", "{\"pmds\":[{\"rxqs\":[{}],\"busy_cycles\":5,\"cycles_per_packet\":\"x\"}]}",
	  false,
	  "pmd thread core ? (numa ?):\n"
	  "  rx queues: ?/?\n"
	  "  packets received: ?\n"
	  "  iterations: ?\n"
	  "  idle cycles: ?\n"
	  "  processing cycles: 5\n"
	  "  avg processing cycles per packet: ?\n" },

	{ "version", "{\"version\":\"0.1.0\"}", false, "0.1.0\n" },
	{ "version", "{\"version\":1}", false, "?\n" },

	/* --json: exactly the result, indented. */
	{ "list-br", "{\"bridges\":[\"br0\"]}", true, "{\n  \"bridges\": [\n    \"br0\"\n  ]\n}\n" },
	{ "add-br", "{}", true, "{}\n" },
	{ "version", "\"odd\"", true, "\"odd\"\n" },
};

static void
test_vsctl_print(void **state)
{
	const struct vsctl_cmd *cmd;
	json_error_t jerr;
	json_t *result;
	size_t i, size;
	char *text;
	FILE *out;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(print_cases); i++) {
		const struct print_case *c = &print_cases[i];

		print_message("print[%zu]: %s%s\n", i, c->cmd, c->json ? " --json" : "");
		cmd = vsctl_cmd_find(c->cmd);
		assert_non_null(cmd);
		result = json_loads(c->result, JSON_DECODE_ANY, &jerr);
		if (result == NULL)
			fail_msg("bad test JSON: %s", jerr.text);
		text = NULL;
		out = open_memstream(&text, &size);
		assert_non_null(out);
		vsctl_print_result(cmd, out, result, c->json);
		assert_int_equal(fclose(out), 0);
		assert_string_equal(text, c->text);
		free(text);
		json_decref(result);
	}
}

/* --help lists every command, aligned. */
static void
test_vsctl_commands(void **state)
{
	static const char *const names[] = {
		"show", "list-br", "add-br", "del-br", "list-ports", "add-port", "del-port",
		"set-port", "fdb-show", "fdb-flush", "port-stats", "pmd-stats",
		"pmd-stats-clear", "version", "add-flow", "add-flows", "del-flows", "dump-flows",
	};
	char *text = NULL, *line, *save, needle[64];
	size_t i, size;
	FILE *out;

	(void)state;
	out = open_memstream(&text, &size);
	assert_non_null(out);
	vsctl_print_commands(out);
	assert_int_equal(fclose(out), 0);
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		assert_non_null(vsctl_cmd_find(names[i]));
		snprintf(needle, sizeof(needle), "\n  %s ", names[i]);
		if (i > 0)
			assert_non_null(strstr(text, needle));
	}
	assert_non_null(strstr(text,
		"  add-port BRIDGE PORT type=TYPE [KEY=VALUE...]  add a port\n"));
	assert_non_null(strstr(text,
		"  version                                        show the daemon's version\n"));
	/* One line per command. */
	for (i = 0, line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save))
		i++;
	assert_int_equal(i, ARRAY_SIZE(names));
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_good),
		cmocka_unit_test(test_decode_uses_len),
		cmocka_unit_test(test_decode_bad),
		cmocka_unit_test(test_decode_nul_byte),
		cmocka_unit_test(test_decode_max_line),
		cmocka_unit_test(test_decode_response),
		cmocka_unit_test(test_decode_response_nul),
		cmocka_unit_test(test_encode_request),
		cmocka_unit_test(test_encode_responses),
		cmocka_unit_test(test_encode_round_trip),
		cmocka_unit_test(test_param_helpers),
		cmocka_unit_test(test_vsctl_build),
		cmocka_unit_test(test_vsctl_print),
		cmocka_unit_test(test_vsctl_commands),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
