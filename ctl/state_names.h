/* The state vocabulary ctl/ prints: DRBD's states (core/state.h) and the
 * write-ordering names of `status --statistics`. */
#ifndef UDRBD_CTL_STATE_NAMES_H
#define UDRBD_CTL_STATE_NAMES_H

#include "core/state.h"

enum ctl_write_ordering {
	CTL_WO_NONE,
	CTL_WO_DRAIN_IO,
	CTL_WO_BDEV_FLUSH,
	CTL_WO_BIO_BARRIER,
};

/* NULL for values drbdsetup does not name (it then omits the field). */
const char *ctl_write_ordering_name(enum ctl_write_ordering wo);

#endif
