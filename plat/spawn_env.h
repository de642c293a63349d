/* Child processes with an environment of their own: DRBD's usermode
 * helper runs with the variables the kernel gives it (core/handler.c).
 * Kept apart from plat.h's plat_spawn_* so either can change alone. */
#ifndef UDRBD_PLAT_SPAWN_ENV_H
#define UDRBD_PLAT_SPAWN_ENV_H

/* Runs argv[0] (searched in PATH when it has no directory) with argv and
 * the variables envp ("NAME=value", NULL-terminated) and waits: 0 and
 * *exit_code, or a negative code if it could not start. What envp is
 * added to is the OS's environment of a helper: on POSIX the one Linux
 * gives its usermode helpers (HOME=/, TERM=linux,
 * PATH=/sbin:/usr/sbin:/bin:/usr/bin) and nothing of udrbdd's; on
 * Windows udrbdd's own. */
int plat_spawn_env(char *const argv[], char *const envp[], int *exit_code);

#endif
