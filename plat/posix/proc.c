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

void plat_glob_free(char **paths, size_t n)
{
	size_t i;

	for (i = 0; paths && i < n; i++)
		free(paths[i]);
	free(paths);
}

int plat_spawn_wait(char *const argv[], bool quiet, int *exit_code)
{
	int pipefd[2], status, err = 0;
	pid_t pid;

	/* The pipe reports a failed exec (its errno) from the child. */
	if (pipe(pipefd) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return err;
	}
	if (pid == 0) {
		close(pipefd[0]);
		fcntl(pipefd[1], F_SETFD, FD_CLOEXEC);
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
	if (read(pipefd[0], &err, sizeof(err)) != sizeof(err))
		err = 0;
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (err)
		return -err;
	*exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	return 0;
}
