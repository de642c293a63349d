/* Write-ordering names (ctl/state_names.h). */
#include "ctl/state_names.h"

#include <stddef.h>

static const char *const wo_names[] = {
	[CTL_WO_NONE] = "none",
	[CTL_WO_DRAIN_IO] = "drain",
	[CTL_WO_BDEV_FLUSH] = "flush",
	[CTL_WO_BIO_BARRIER] = "barrier",
};

const char *ctl_write_ordering_name(enum ctl_write_ordering wo)
{
	return (unsigned)wo < sizeof(wo_names) / sizeof(wo_names[0]) ? wo_names[wo] : NULL;
}
