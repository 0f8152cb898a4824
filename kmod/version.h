/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VMUX_VERSION_H
#define _VMUX_VERSION_H

/* Bumped together with PACKAGE_VERSION in dkms.conf. */
#define VMUX_VERSION "0.1.0"

#endif /* _VMUX_VERSION_H */
