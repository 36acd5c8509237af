/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vsctl: the command-line client of vswitchd's control socket.
 *
 * One command per run: check the arguments (vsctl_cmds.c), send one
 * JSON-RPC request line, wait for one response line, print it. The exit
 * status tells scripts which side failed:
 *   0  success
 *   1  the daemon refused the command (its message on stderr)
 *   2  usage error, found before anything was sent
 *   3  no answer: cannot connect, timeout, malformed response, or the
 *      output could not be written
 * A standalone program: no DPDK, runs as any user allowed on the socket.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "rpc.h"
#include "vsctl_cmds.h"

enum {
	EXIT_OK = 0,
	EXIT_REFUSED = 1,
	EXIT_USAGE = 2,
	EXIT_NO_ANSWER = 3,
};

#define DEFAULT_TIMEOUT_S 10
#define MAX_TIMEOUT_S (24 * 3600)

/*
 * Responses are not bounded by VS_RPC_MAX_LINE (that limits requests): a
 * full MAC table is tens of MB. This cap only stops a runaway peer from
 * eating all memory.
 */
#define MAX_RESPONSE (1024UL * 1024 * 1024)

struct vsctl_opts {
	const char *socket;     /* control socket path */
	bool json;              /* print results as JSON */
	double timeout_s;       /* whole exchange, seconds; 0 = wait forever */
};

static void
usage(FILE *out)
{
	fprintf(out,
		"usage: vsctl [--socket PATH] [--json] [--timeout SECONDS] COMMAND [ARG...]\n"
		"\n"
		"Commands:\n");
	vsctl_print_commands(out);
	fprintf(out,
		"\n"
		"Keys (values are checked by vswitchd):\n"
		"  add-br:             mac_aging_s, mac_table_size\n"
		"  add-port, set-port: type (dpdk, af_xdp, patch), devargs, iface, peer,\n"
		"                      rxq, txq, mtu, rx_desc, tx_desc,\n"
		"                      vlan_mode (access, trunk), tag, trunks, native\n"
		"\n"
		"Options:\n"
		"  --socket PATH      control socket (default: $VSWITCH_SOCKET,\n"
		"                     else %s)\n"
		"  --json             print the result as JSON\n"
		"  --timeout SECONDS  give up after this long (default %d, 0 = never)\n"
		"  -h, --help         show this help\n"
		"\n"
		"Exit status: 0 success, 1 command refused by vswitchd, 2 usage error,\n"
		"3 no answer (cannot connect, timeout, malformed response).\n",
		VS_DEFAULT_SOCKET, DEFAULT_TIMEOUT_S);
}

static int
parse_timeout(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(v) || v < 0 ||
	    v > MAX_TIMEOUT_S)
		return -EINVAL;
	*out = v;
	return 0;
}

/* Returns 0, or EXIT_USAGE after printing why. */
static int
parse_opts(int argc, char **argv, struct vsctl_opts *o)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static char progname[] = "vsctl";
	const char *env;
	int c;

	/* getopt's own messages start with argv[0]; make them read like ours. */
	argv[0] = progname;

	env = getenv("VSWITCH_SOCKET");
	o->socket = env != NULL && env[0] != '\0' ? env : VS_DEFAULT_SOCKET;
	o->json = false;
	o->timeout_s = DEFAULT_TIMEOUT_S;

	/*
	 * GNU getopt permutes, so options may also follow the command
	 * ("vsctl show --json"); "--" ends them for names starting with '-'.
	 */
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			o->socket = optarg;
			break;
		case 'j':
			o->json = true;
			break;
		case 't':
			if (parse_timeout(optarg, &o->timeout_s) < 0) {
				fprintf(stderr, "vsctl: invalid --timeout '%s' (expected seconds, 0 to %d; 0 = no timeout)\n",
					optarg, MAX_TIMEOUT_S);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_OK);
		default:
			/* getopt already said what was wrong. */
			fprintf(stderr, "Try 'vsctl --help' for more information.\n");
			return EXIT_USAGE;
		}
	}
	return 0;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds left before deadline (-1: none), as poll() wants them. */
static int
remaining_ms(int64_t deadline)
{
	int64_t left;

	if (deadline < 0)
		return -1;
	left = deadline - now_ms();
	return left > 0 ? (int)left : 0;
}

/* Connect to path; returns the fd or -errno (-ETIMEDOUT past the deadline). */
static int
connect_socket(const char *path, int64_t deadline)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct timeval tv;
	int fd, ms;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/*
	 * connect() on a Unix socket only blocks when the daemon's backlog is
	 * full; SO_SNDTIMEO bounds that wait (Linux applies it to connect).
	 */
	ms = remaining_ms(deadline);
	if (ms >= 0) {
		tv.tv_sec = ms / 1000;
		tv.tv_usec = (ms % 1000) * 1000 + (ms == 0);  /* 0 would mean "forever" */
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	}
	memcpy(addr.sun_path, path, strlen(path) + 1);  /* length checked by caller */
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int err = errno == EAGAIN || errno == EINPROGRESS ? ETIMEDOUT : errno;

		close(fd);
		return -err;
	}
	return fd;
}

/* Wait for events on fd until the deadline: 0, -ETIMEDOUT or -errno. */
static int
wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int n;

	for (;;) {
		n = poll(&pfd, 1, remaining_ms(deadline));
		if (n > 0)
			return 0;       /* ready, or an error the next call reports */
		if (n == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

static int
send_all(int fd, const char *buf, size_t len, int64_t deadline)
{
	ssize_t n;
	int ret;

	while (len > 0) {
		ret = wait_fd(fd, POLLOUT, deadline);
		if (ret < 0)
			return ret;
		/* MSG_NOSIGNAL: a daemon that went away is an error, not SIGPIPE. */
		n = send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		buf += n;
		len -= n;
	}
	return 0;
}

/*
 * Read up to the first '\n'. Returns 0 with *line (malloc()ed, without the
 * newline, NUL-terminated) and *len; -ETIMEDOUT, -EFBIG, -errno, or
 * -ECONNRESET when the daemon closes first (*len then tells how much came).
 */
static int
recv_line(int fd, int64_t deadline, char **line, size_t *len)
{
	size_t used = 0, cap = 0, scanned = 0;
	char *buf = NULL, *nl, *p;
	ssize_t n;
	int ret;

	*line = NULL;
	*len = 0;
	for (;;) {
		if (cap - used < 4096) {
			cap = cap == 0 ? 65536 : cap * 2;
			if (cap > MAX_RESPONSE + 1) {
				ret = -EFBIG;
				goto fail;
			}
			p = realloc(buf, cap);
			if (p == NULL) {
				ret = -ENOMEM;
				goto fail;
			}
			buf = p;
		}
		ret = wait_fd(fd, POLLIN, deadline);
		if (ret < 0)
			goto fail;
		n = recv(fd, buf + used, cap - used - 1, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			ret = -errno;
			goto fail;
		}
		if (n == 0) {
			*len = used;
			ret = -ECONNRESET;
			goto fail;
		}
		used += n;
		/* Scan only the new bytes: responses can be large. */
		nl = memchr(buf + scanned, '\n', used - scanned);
		scanned = used;
		if (nl != NULL) {
			*nl = '\0';
			*line = buf;
			*len = nl - buf;
			return 0;
		}
	}
fail:
	free(buf);
	return ret;
}

/* Connect, send request, receive one line; prints the failure and returns EXIT_NO_ANSWER. */
static int
exchange(const struct vsctl_opts *o, const char *request, char **response, size_t *len)
{
	int64_t deadline = o->timeout_s > 0 ? now_ms() + (int64_t)(o->timeout_s * 1000) : -1;
	int fd, ret;

	fd = connect_socket(o->socket, deadline);
	if (fd < 0) {
		fprintf(stderr, "vsctl: cannot connect to %s: %s%s\n", o->socket, strerror(-fd),
			fd == -ENOENT || fd == -ECONNREFUSED ? " (is vswitchd running?)" : "");
		return EXIT_NO_ANSWER;
	}
	ret = send_all(fd, request, strlen(request), deadline);
	if (ret == -ETIMEDOUT) {
		fprintf(stderr, "vsctl: timed out after %g s sending to %s\n", o->timeout_s,
			o->socket);
		goto fail;
	} else if (ret < 0) {
		fprintf(stderr, "vsctl: cannot send to %s: %s\n", o->socket, strerror(-ret));
		goto fail;
	}
	ret = recv_line(fd, deadline, response, len);
	if (ret == -ETIMEDOUT) {
		fprintf(stderr, "vsctl: timed out after %g s waiting for an answer from %s\n",
			o->timeout_s, o->socket);
		goto fail;
	} else if (ret == -ECONNRESET && *len == 0) {
		fprintf(stderr, "vsctl: %s: connection closed without an answer\n", o->socket);
		goto fail;
	} else if (ret == -ECONNRESET) {
		fprintf(stderr, "vsctl: %s: connection closed in the middle of an answer\n",
			o->socket);
		goto fail;
	} else if (ret == -EFBIG) {
		fprintf(stderr, "vsctl: %s: answer longer than %lu MiB\n", o->socket,
			MAX_RESPONSE >> 20);
		goto fail;
	} else if (ret < 0) {
		fprintf(stderr, "vsctl: cannot read from %s: %s\n", o->socket, strerror(-ret));
		goto fail;
	}
	close(fd);
	return 0;
fail:
	close(fd);
	return EXIT_NO_ANSWER;
}

int
main(int argc, char **argv)
{
	char *line = NULL, *response = NULL, *message = NULL, err[512];
	json_t *params, *id, *request, *result = NULL;
	const struct vsctl_cmd *cmd;
	struct vsctl_opts o;
	size_t len;
	int ret;

	ret = parse_opts(argc, argv, &o);
	if (ret != 0)
		return ret;
	if (optind >= argc) {
		fprintf(stderr, "vsctl: missing command\n"
			"Try 'vsctl --help' for more information.\n");
		return EXIT_USAGE;
	}
	cmd = vsctl_cmd_find(argv[optind]);
	if (cmd == NULL) {
		fprintf(stderr, "vsctl: unknown command '%s'\n"
			"Try 'vsctl --help' for more information.\n", argv[optind]);
		return EXIT_USAGE;
	}
	if (vsctl_build_params(cmd, argc - optind - 1, argv + optind + 1, &params,
			       err, sizeof(err)) < 0) {
		fprintf(stderr, "vsctl: %s\n", err);
		return EXIT_USAGE;
	}
	if (o.socket[0] == '\0' || strlen(o.socket) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		fprintf(stderr, "vsctl: invalid socket path '%s' (1 to %zu bytes)\n", o.socket,
			sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
		json_decref(params);
		return EXIT_USAGE;
	}

	/* One request per connection: any id will do, the answer is ours. */
	id = json_integer(1);
	request = vs_rpc_request(id, cmd->name, params);
	json_decref(id);
	line = vs_rpc_encode(request);
	json_decref(request);
	if (line == NULL) {
		fprintf(stderr, "vsctl: out of memory\n");
		return EXIT_NO_ANSWER;
	}

	ret = exchange(&o, line, &response, &len);
	free(line);
	if (ret != 0)
		return ret;

	ret = vs_rpc_decode_response(response, len, &result, &message);
	free(response);
	if (ret == 0) {
		vsctl_print_result(cmd, stdout, result, o.json);
		json_decref(result);
		if (fflush(stdout) != 0 || ferror(stdout)) {
			fprintf(stderr, "vsctl: cannot write output: %s\n", strerror(errno));
			return EXIT_NO_ANSWER;
		}
		return EXIT_OK;
	}
	fprintf(stderr, "vsctl: %s\n", message != NULL ? message : "out of memory");
	free(message);
	/*
	 * A parse error means the two sides could not understand each other
	 * (our garbled answer, or our request garbled on the way): no answer
	 * to the command itself. Any other error is the daemon's refusal.
	 */
	return ret == VS_RPC_PARSE_ERROR ? EXIT_NO_ANSWER : EXIT_REFUSED;
}
