/* plat_spawn_env on POSIX: posix_spawnp with a usermode helper's
 * environment. */
#include "plat/plat.h"

#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>

static const char *const base_env[] = {
	"HOME=/", "TERM=linux", "PATH=/sbin:/usr/sbin:/bin:/usr/bin",
};
#define N_BASE (sizeof(base_env) / sizeof(base_env[0]))

int plat_spawn_env(char *const argv[], char *const envp[], int *exit_code)
{
	size_t n = 0, i;
	char **env;
	pid_t pid;
	int status, err;

	while (envp[n])
		n++;
	if (!(env = calloc(N_BASE + n + 1, sizeof(*env))))
		return -ENOMEM;
	for (i = 0; i < N_BASE; i++)
		env[i] = (char *)base_env[i];
	for (i = 0; i < n; i++)
		env[N_BASE + i] = envp[i];
	err = -posix_spawnp(&pid, argv[0], NULL, NULL, argv, env);
	free(env);
	if (err)
		return err;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	/* posix_spawnp reports a failed exec as exit 127, as a shell does. */
	*exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	return 0;
}
