/* The orders status and show print in: drbdsetup sorts resources and
 * connections by name (connections without a name first); volumes come in
 * the kernel's order, which is by volume number. */
#include "ctl/fmt_priv.h"

#include <stdlib.h>
#include <string.h>

static int res_cmp(const void *a, const void *b)
{
	const struct ctl_resource *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

static int conn_cmp(const void *a, const void *b)
{
	const struct ctl_connection *const *x = a, *const *y = b;
	bool xn = (*x)->name[0], yn = (*y)->name[0];

	if (xn != yn)
		return xn ? 1 : -1;
	return strcmp((*x)->name, (*y)->name);
}

static int dev_cmp(const void *a, const void *b)
{
	const struct ctl_device *const *x = a, *const *y = b;

	return (*x)->volume < (*y)->volume ? -1 : (*x)->volume > (*y)->volume;
}

static int pd_cmp(const void *a, const void *b)
{
	const struct ctl_peer_device *const *x = a, *const *y = b;

	return (*x)->volume < (*y)->volume ? -1 : (*x)->volume > (*y)->volume;
}

/* Pointers to the n elements of base (of elem bytes each, or an array of
 * pointers when elem == 0), sorted with cmp. */
static void *sorted(const void *base, size_t n, size_t elem,
		    int (*cmp)(const void *, const void *), bool *failed)
{
	const void **v;

	*failed = false;
	if (!n)
		return NULL;
	v = malloc(n * sizeof(*v));
	if (!v) {
		*failed = true;
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		v[i] = elem ? (const char *)base + i * elem :
			      ((const void *const *)base)[i];
	qsort(v, n, sizeof(*v), cmp);
	return v;
}

const struct ctl_resource **ctl_sort_resources(const struct ctl_resource *const *res,
					       size_t n, bool *failed)
{
	return sorted(res, n, 0, res_cmp, failed);
}

const struct ctl_connection **ctl_sort_conns(const struct ctl_resource *r,
					     bool *failed)
{
	return sorted(r->conns, r->n_conns, sizeof(*r->conns), conn_cmp, failed);
}

const struct ctl_device **ctl_sort_devices(const struct ctl_resource *r,
					   bool *failed)
{
	return sorted(r->devices, r->n_devices, sizeof(*r->devices), dev_cmp,
		      failed);
}

const struct ctl_peer_device **ctl_sort_peer_devices(const struct ctl_connection *c,
						     bool *failed)
{
	return sorted(c->peer_devices, c->n_peer_devices,
		      sizeof(*c->peer_devices), pd_cmp, failed);
}
