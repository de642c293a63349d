/* Data-generation UUID operations (core/uuid.c). */
#ifndef UDRBD_CORE_UUID_H
#define UDRBD_CORE_UUID_H

#include <stdbool.h>
#include <stdint.h>

#include "plat/plat.h"

struct md_sb;

void uuid_push_history(struct md_sb *sb, uint64_t uuid);
void uuid_new_current(struct md_sb *sb, bool primary);
void uuid_set_role_bit(struct md_sb *sb, bool primary);

#endif
