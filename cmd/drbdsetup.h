/* drbdsetup's client-side pieces: usage texts (cmd/drbdsetup_help.c). */
#ifndef UDRBD_CMD_DRBDSETUP_H
#define UDRBD_CMD_DRBDSETUP_H

#include <stdbool.h>
#include <stdio.h>

/* Usage of cmd (NULL: the command list) on f; 0, or 20 for an unknown
 * command (after the list). */
int drbdsetup_help(FILE *f, const char *cmd);
bool drbdsetup_help_known(const char *cmd);
/* Every command with a usage text, one a line. */
void drbdsetup_help_list(FILE *f);

#endif
