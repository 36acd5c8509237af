/* SPDX-License-Identifier: BSD-3-Clause */
/* The control thread's event loop (see ctl_server.h). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl_server.h"
#include "log.h"
#include "methods.h"
#include "rpc.h"
#include "switch.h"
#include "vhost.h"

#define WRITE_TIMEOUT_MS 5000

struct vs_ctl_client {
	int fd;
	size_t len;                     /* bytes buffered */
	size_t cap;                     /* bytes allocated, grows up to VS_RPC_MAX_LINE + 1 */
	char *buf;
};

#define CLIENT_BUF_START 4096

static int
make_addr(const char *path, struct sockaddr_un *sa, char *err, size_t errlen)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path)) {
		snprintf(err, errlen, "control socket path '%s' is too long", path);
		return -ENAMETOOLONG;
	}
	strcpy(sa->sun_path, path);
	return 0;
}

int
vs_ctl_check_free(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa;
	int fd, rc;

	rc = make_addr(path, &sa, err, errlen);
	if (rc)
		return rc;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	if (rc == 0) {
		snprintf(err, errlen, "another vswitchd is already serving %s", path);
		return -EADDRINUSE;
	}
	return 0;
}

void
vs_ctl_block_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static int
mkdir_parent(const char *path)
{
	char tmp[108], *dir;

	snprintf(tmp, sizeof(tmp), "%s", path);
	dir = dirname(tmp);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) != 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static int
epoll_add(int epfd, int fd, void *ptr)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = ptr };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

/* Tags for the non-client fds in epoll data. */
static char tag_listen, tag_signal, tag_timer, tag_vhost;

int
vs_ctl_open(struct vs_ctl *ctl, struct vs_switch *sw, const char *path, unsigned mode, char *err,
	    size_t errlen)
{
	struct itimerspec its = { .it_interval.tv_nsec = 1000000, .it_value.tv_nsec = 1000000 };
	struct sockaddr_un sa;
	sigset_t set;
	int rc;

	memset(ctl, 0, sizeof(*ctl));
	ctl->listen_fd = ctl->signal_fd = ctl->timer_fd = ctl->epfd = -1;
	ctl->sw = sw;
	clock_gettime(CLOCK_MONOTONIC, &ctl->start);
	rc = make_addr(path, &sa, err, errlen);
	if (rc)
		return rc;
	snprintf(ctl->path, sizeof(ctl->path), "%s", path);
	rc = mkdir_parent(path);
	if (rc) {
		snprintf(err, errlen, "cannot create the directory of %s: %s", path, strerror(-rc));
		return rc;
	}
	/* vs_ctl_check_free() ran at start-up: what is left is stale. */
	unlink(path);
	ctl->epfd = epoll_create1(EPOLL_CLOEXEC);
	ctl->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (ctl->epfd < 0 || ctl->listen_fd < 0 ||
	    bind(ctl->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    chmod(path, mode) != 0 || listen(ctl->listen_fd, 16) != 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot listen on %s: %s", path, strerror(errno));
		vs_ctl_close(ctl);
		return rc;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	ctl->signal_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	ctl->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (ctl->signal_fd < 0 || ctl->timer_fd < 0 ||
	    timerfd_settime(ctl->timer_fd, 0, &its, NULL) != 0 ||
	    epoll_add(ctl->epfd, ctl->listen_fd, &tag_listen) != 0 ||
	    epoll_add(ctl->epfd, ctl->signal_fd, &tag_signal) != 0 ||
	    epoll_add(ctl->epfd, ctl->timer_fd, &tag_timer) != 0 ||
	    epoll_add(ctl->epfd, vs_vhost_event_fd(), &tag_vhost) != 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot set up the control loop: %s", strerror(errno));
		vs_ctl_close(ctl);
		return rc;
	}
	VS_INFO("control socket %s (mode %04o)", path, mode);
	return 0;
}

static void
client_close(struct vs_ctl *ctl, unsigned i)
{
	struct vs_ctl_client *c = ctl->clients[i];

	epoll_ctl(ctl->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c->buf);
	free(c);
	ctl->clients[i] = NULL;
}

static void
accept_client(struct vs_ctl *ctl)
{
	int fd = accept4(ctl->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	unsigned i;

	if (fd < 0)
		return;
	for (i = 0; i < VS_CTL_MAX_CLIENTS && ctl->clients[i]; i++)
		;
	if (i == VS_CTL_MAX_CLIENTS) {
		VS_WARN("control socket: too many clients, refusing one");
		close(fd);
		return;
	}
	ctl->clients[i] = calloc(1, sizeof(struct vs_ctl_client));
	if (ctl->clients[i] != NULL)
		ctl->clients[i]->buf = malloc(CLIENT_BUF_START);
	if (ctl->clients[i] == NULL || ctl->clients[i]->buf == NULL) {
		free(ctl->clients[i]);
		ctl->clients[i] = NULL;
		close(fd);
		return;
	}
	ctl->clients[i]->fd = fd;
	ctl->clients[i]->cap = CLIENT_BUF_START;
	if (epoll_add(ctl->epfd, fd, ctl->clients[i]) != 0)
		client_close(ctl, i);
}

/* Write all of s, waiting at most WRITE_TIMEOUT_MS for a slow reader. */
static int
write_all(int fd, const char *s, size_t len)
{
	while (len) {
		ssize_t n = send(fd, s, len, MSG_NOSIGNAL);

		if (n > 0) {
			s += n;
			len -= n;
		} else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			struct pollfd p = { .fd = fd, .events = POLLOUT };

			if (poll(&p, 1, WRITE_TIMEOUT_MS) <= 0)
				return -ETIMEDOUT;
		} else {
			return -errno;
		}
	}
	return 0;
}

static int
handle_line(struct vs_ctl *ctl, int fd, const char *line, size_t len)
{
	struct vs_rpc_request req;
	json_t *resp = NULL;
	char *out;
	int rc;

	if (vs_rpc_decode_request(line, len, &req, &resp) == 0) {
		resp = vs_methods_call(ctl->sw, &req);
		/* Notifications get no answer. */
		if (req.id == NULL) {
			json_decref(resp);
			resp = NULL;
		}
		vs_rpc_request_release(&req);
	}
	if (resp == NULL)
		return 0;
	out = vs_rpc_encode(resp);
	json_decref(resp);
	if (out == NULL)
		return -ENOMEM;
	rc = write_all(fd, out, strlen(out));
	free(out);
	return rc;
}

static void
client_input(struct vs_ctl *ctl, unsigned i)
{
	struct vs_ctl_client *c = ctl->clients[i];

	for (;;) {
		ssize_t n;
		char *nl;

		/* Grow the buffer as a long request (add-flows) comes in. */
		if (c->len == c->cap && c->cap < VS_RPC_MAX_LINE + 1) {
			size_t cap = c->cap * 2 > VS_RPC_MAX_LINE + 1 ? VS_RPC_MAX_LINE + 1 : c->cap * 2;
			char *b = realloc(c->buf, cap);

			if (b == NULL) {
				client_close(ctl, i);
				return;
			}
			c->buf = b;
			c->cap = cap;
		}
		n = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			client_close(ctl, i);
			return;
		}
		if (n < 0)
			return;
		c->len += n;
		while ((nl = memchr(c->buf, '\n', c->len)) != NULL) {
			size_t ll = nl - c->buf;

			if (handle_line(ctl, c->fd, c->buf, ll) != 0) {
				client_close(ctl, i);
				return;
			}
			memmove(c->buf, nl + 1, c->len - ll - 1);
			c->len -= ll + 1;
		}
		if (c->len > VS_RPC_MAX_LINE) {
			json_t *e = vs_rpc_error(json_null(), VS_RPC_INVALID_REQUEST,
						 "message longer than 64 MiB");
			char *out = vs_rpc_encode(e);

			if (out)
				write_all(c->fd, out, strlen(out));
			free(out);
			json_decref(e);
			client_close(ctl, i);
			return;
		}
	}
}

static void
timer_tick(struct vs_ctl *ctl)
{
	uint64_t expirations;
	struct timespec now;
	uint32_t s;

	if (read(ctl->timer_fd, &expirations, sizeof(expirations)) < 0)
		return;
	vs_switch_drain_learning(ctl->sw);
	clock_gettime(CLOCK_MONOTONIC, &now);
	s = now.tv_sec - ctl->start.tv_sec;
	if (s != ctl->now_s) {
		ctl->now_s = s;
		vs_switch_tick_second(ctl->sw, s);
	}
}

int
vs_ctl_run(struct vs_ctl *ctl)
{
	for (;;) {
		struct epoll_event ev[16];
		int n = epoll_wait(ctl->epfd, ev, 16, -1);

		if (n < 0 && errno != EINTR)
			return -errno;
		for (int k = 0; k < n; k++) {
			void *p = ev[k].data.ptr;

			if (p == &tag_listen) {
				accept_client(ctl);
			} else if (p == &tag_timer) {
				timer_tick(ctl);
			} else if (p == &tag_vhost) {
				vs_vhost_handle_events(ctl->sw);
			} else if (p == &tag_signal) {
				struct signalfd_siginfo si;

				if (read(ctl->signal_fd, &si, sizeof(si)) == sizeof(si)) {
					VS_INFO("signal %u: shutting down", si.ssi_signo);
					return 0;
				}
			} else {
				for (unsigned i = 0; i < VS_CTL_MAX_CLIENTS; i++)
					if (ctl->clients[i] == p) {
						client_input(ctl, i);
						break;
					}
			}
		}
	}
}

void
vs_ctl_close(struct vs_ctl *ctl)
{
	for (unsigned i = 0; i < VS_CTL_MAX_CLIENTS; i++)
		if (ctl->clients[i])
			client_close(ctl, i);
	if (ctl->listen_fd >= 0) {
		close(ctl->listen_fd);
		unlink(ctl->path);
	}
	if (ctl->signal_fd >= 0)
		close(ctl->signal_fd);
	if (ctl->timer_fd >= 0)
		close(ctl->timer_fd);
	if (ctl->epfd >= 0)
		close(ctl->epfd);
	ctl->listen_fd = ctl->signal_fd = ctl->timer_fd = ctl->epfd = -1;
}
