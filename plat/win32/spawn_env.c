/* plat_spawn_env on Windows: the variables go into udrbdd's own
 * environment, which CreateProcess hands down, for the time of the call;
 * one call at a time so concurrent helpers never see each other's. */
#include "plat/plat.h"

#include <stdlib.h>
#include <string.h>
#include <windows.h>

static SRWLOCK spawn_env_lock = SRWLOCK_INIT;

static void unset_all(char *const envp[])
{
	char name[256];

	for (size_t i = 0; envp[i]; i++) {
		const char *eq = strchr(envp[i], '=');
		size_t n = eq ? (size_t)(eq - envp[i]) : 0;

		if (!n || n >= sizeof(name) - 1)
			continue;
		memcpy(name, envp[i], n);
		name[n] = '=';
		name[n + 1] = 0;
		_putenv(name);
	}
}

int plat_spawn_env(char *const argv[], char *const envp[], int *exit_code)
{
	int err = 0;

	AcquireSRWLockExclusive(&spawn_env_lock);
	for (size_t i = 0; envp[i] && !err; i++)
		if (_putenv(envp[i]))
			err = -ENOMEM;
	if (!err)
		err = plat_spawn_wait(argv, false, exit_code);
	unset_all(envp);
	ReleaseSRWLockExclusive(&spawn_env_lock);
	return err;
}
