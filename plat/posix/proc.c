/* Globbing and child processes on POSIX (drbdadm: include globs, and
 * running drbdsetup/drbdmeta). */
#include "plat/plat.h"

#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

int plat_glob(const char *pattern, char ***paths, size_t *n)
{
	glob_t g;
	char **v;
	size_t i;
	int rc;

	*paths = NULL;
	*n = 0;
	rc = glob(pattern, 0, NULL, &g);
	if (rc == GLOB_NOMATCH)
		return 0;
	if (rc)
		return rc == GLOB_NOSPACE ? -ENOMEM : -EIO;
	v = calloc(g.gl_pathc ? g.gl_pathc : 1, sizeof(*v));
	for (i = 0; v && i < g.gl_pathc; i++)
		if (!(v[i] = strdup(g.gl_pathv[i])))
			break;
	if (!v || i < g.gl_pathc) {
		plat_glob_free(v, i);
		globfree(&g);
		return -ENOMEM;
	}
	*paths = v;
	*n = g.gl_pathc;
	globfree(&g);
	return 0;
}

static int read_all(int fd, char **out, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *b = malloc(cap + 1), *nb;
	ssize_t r;

	if (!b)
		return -ENOMEM;
	while ((r = read(fd, b + n, cap - n)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		n += (size_t)r;
		if (n == cap) {
			if (!(nb = realloc(b, 2 * cap + 1))) {
				free(b);
				return -ENOMEM;
			}
			b = nb;
			cap *= 2;
		}
	}
	b[n] = 0;
	*out = b;
	*len = n;
	return 0;
}

/* out == NULL: stdout is inherited. */
static int spawn(char *const argv[], bool quiet, char **out, size_t *len, int *exit_code)
{
	int pipefd[2], outfd[2] = { -1, -1 }, status, err = 0, ret = 0;
	pid_t pid;

	if (out && pipe(outfd) < 0)
		return -errno;

	/* The pipe reports a failed exec (its errno) from the child. */
	if (pipe(pipefd) < 0) {
		err = -errno;
		if (out) {
			close(outfd[0]);
			close(outfd[1]);
		}
		return err;
	}
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		if (out) {
			close(outfd[0]);
			close(outfd[1]);
		}
		return err;
	}
	if (pid == 0) {
		close(pipefd[0]);
		fcntl(pipefd[1], F_SETFD, FD_CLOEXEC);
		if (out) {
			dup2(outfd[1], 1);
			close(outfd[0]);
			close(outfd[1]);
		}
		if (quiet) {
			int null = open("/dev/null", O_WRONLY);

			if (null >= 0)
				dup2(null, 2);
		}
		execvp(argv[0], argv);
		err = errno;
		if (write(pipefd[1], &err, sizeof(err)) < 0)
			_exit(127);
		_exit(127);
	}
	close(pipefd[1]);
	if (out) {
		close(outfd[1]);
		ret = read_all(outfd[0], out, len);
		close(outfd[0]);
	}
	if (read(pipefd[0], &err, sizeof(err)) != sizeof(err))
		err = 0;
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (!err && ret)
		err = -ret;
	if (err) {
		if (out && !ret)
			free(*out);
		return -err;
	}
	*exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	return 0;
}

int plat_spawn_wait(char *const argv[], bool quiet, int *exit_code)
{
	return spawn(argv, quiet, NULL, NULL, exit_code);
}

int plat_spawn_capture(char *const argv[], char **out, size_t *len, int *exit_code)
{
	return spawn(argv, true, out, len, exit_code);
}
