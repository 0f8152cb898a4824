// SPDX-License-Identifier: GPL-2.0
/*
 * The "vmux" generic netlink family: VMUX_CMD_GET_PORT lists every child of
 * a port, whatever netns it sits in, which RTM_GETLINK cannot (it sees one
 * netns). A container host's children live in the containers' netns; this
 * is how "vmux port show" finds them. include/uapi/linux/vmux.h has the
 * attributes and who may see what.
 */
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/rtnetlink.h>
#include <net/sock.h>

#include "vmux.h"

static struct genl_family vmux_genl_family;

static const struct nla_policy vmux_genl_policy[VMUX_A_MAX + 1] = {
	[VMUX_A_PORT_IFINDEX]	= NLA_POLICY_MIN(NLA_U32, 1),
};

/* The dump's position, between calls: cb->args[] */
enum {
	VMUX_DUMP_IFINDEX,	/* the lower asked for; 0: every port of the netns */
	VMUX_DUMP_LOWER,	/* devices done, in list order (1: the one asked for) */
	VMUX_DUMP_NEXT,		/* its children already done (or left out) */
	VMUX_DUMP_HIDDEN,	/* of those, left out */
};

/* The port of the lower asked for, in the requester's netns, under RTNL;
 * with the error to report if there is none.
 */
static struct vmux_port *vmux_genl_port(struct netlink_callback *cb)
{
	struct net_device *lower;
	struct vmux_port *port;

	lower = __dev_get_by_index(sock_net(cb->skb->sk), cb->args[VMUX_DUMP_IFINDEX]);
	if (!lower) {
		NL_SET_ERR_MSG_MOD(cb->extack, "Lower device does not exist");
		return ERR_PTR(-ENODEV);
	}
	port = vmux_port_rtnl(lower);
	if (!port) {
		NL_SET_ERR_MSG_MOD(cb->extack, "Device is no vmux port");
		return ERR_PTR(-ENOENT);
	}
	return port;
}

/* Checks the request, so that a bad one gets an error rather than an
 * empty dump.
 */
static int vmux_genl_dump_start(struct netlink_callback *cb)
{
	struct nlattr *tb[VMUX_A_MAX + 1];
	struct vmux_port *port;
	int err;

	err = nlmsg_parse(cb->nlh, GENL_HDRLEN, tb, VMUX_A_MAX,
			  vmux_genl_policy, cb->extack);
	if (err)
		return err;
	/* A source-mode macvlan's reply carries its MAC list: 12 KiB at most. */
	cb->min_dump_alloc = U16_MAX;
	if (!tb[VMUX_A_PORT_IFINDEX])
		return 0;
	cb->args[VMUX_DUMP_IFINDEX] = nla_get_u32(tb[VMUX_A_PORT_IFINDEX]);
	rtnl_lock();
	port = vmux_genl_port(cb);
	rtnl_unlock();
	return PTR_ERR_OR_ZERO(port);
}

/* A reply's header and the port it is about; NULL when the skb is full. */
static void *vmux_genl_reply(struct sk_buff *skb, struct netlink_callback *cb,
			     struct vmux_port *port)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &vmux_genl_family, NLM_F_MULTI, VMUX_CMD_GET_PORT);
	if (hdr && nla_put_u32(skb, VMUX_A_PORT_IFINDEX, port->dev->ifindex)) {
		genlmsg_cancel(skb, hdr);
		return NULL;
	}
	return hdr;
}

static int vmux_genl_put_addrs(struct sk_buff *skb, struct vmux_dev *vdev)
{
	struct vmux_port *port = vdev->port;
	struct vmux_ipaddr *a;
	struct nlattr *nest;
	int err = 0;

	nest = nla_nest_start(skb, VMUX_A_CHILD_ADDRS);
	if (!nest)
		return -EMSGSIZE;
	spin_lock_bh(&port->addrs_lock);
	list_for_each_entry(a, &vdev->ipv.addrs, anode) {
		if (a->key.family == AF_INET)
			err = nla_put_in_addr(skb, VMUX_A_ADDR_IN, a->key.v4);
		else
			err = nla_put_in6_addr(skb, VMUX_A_ADDR_IN6, &a->key.v6);
		if (err)
			break;
	}
	spin_unlock_bh(&port->addrs_lock);
	if (err) {
		nla_nest_cancel(skb, nest);
		return err;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int vmux_genl_put_child(struct sk_buff *skb, struct netlink_callback *cb,
			       struct vmux_port *port, struct vmux_dev *vdev)
{
	struct net *net = sock_net(cb->skb->sk);
	struct net_device *dev = vdev->dev;
	struct nlattr *data;
	void *hdr;

	hdr = vmux_genl_reply(skb, cb, port);
	if (!hdr)
		return -EMSGSIZE;
	if (vmux_fill_drops(skb, VMUX_A_PORT_DROPS, &port->drops[0]) ||
	    nla_put_u32(skb, VMUX_A_CHILD_IFINDEX, dev->ifindex) ||
	    nla_put_string(skb, VMUX_A_CHILD_IFNAME, dev->name) ||
	    nla_put_string(skb, VMUX_A_CHILD_KIND, dev->rtnl_link_ops->kind) ||
	    nla_put_u32(skb, VMUX_A_CHILD_FLAGS, dev_get_flags(dev)) ||
	    nla_put(skb, VMUX_A_CHILD_ADDRESS, dev->addr_len, dev->dev_addr))
		goto cancel;
	/* As rtnl_fill_link_netnsid() does for IFLA_LINK_NETNSID. */
	if (!net_eq(dev_net(dev), net) &&
	    nla_put_s32(skb, VMUX_A_CHILD_NETNSID,
			peernet2id_alloc(net, dev_net(dev), GFP_KERNEL)))
		goto cancel;
	data = nla_nest_start(skb, VMUX_A_CHILD_DATA);
	if (!data || dev->rtnl_link_ops->fill_info(skb, dev))
		goto cancel;
	nla_nest_end(skb, data);
	if (vdev->kind == VMUX_T_IPVLAN && vmux_genl_put_addrs(skb, vdev))
		goto cancel;
	genlmsg_end(skb, hdr);
	return 0;

cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int vmux_genl_put_hidden(struct sk_buff *skb, struct netlink_callback *cb,
				struct vmux_port *port)
{
	void *hdr;

	hdr = vmux_genl_reply(skb, cb, port);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, VMUX_A_PORT_HIDDEN, cb->args[VMUX_DUMP_HIDDEN])) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* A child outside the requester's netns is theirs to see only with
 * CAP_NET_ADMIN over its netns, as rtnl_get_net_ns_capable() asks of
 * RTM_GETLINK with IFLA_TARGET_NETNSID.
 */
static bool vmux_genl_may_see(struct netlink_callback *cb, struct net_device *dev)
{
	struct net *net = dev_net(dev);

	return net_eq(net, sock_net(cb->skb->sk)) ||
	       netlink_ns_capable(cb->skb, net->user_ns, CAP_NET_ADMIN);
}

/* One port's children from number cb->args[VMUX_DUMP_NEXT] on; -EMSGSIZE
 * when the skb is full (the next call goes on from there).
 */
static int vmux_genl_dump_children(struct sk_buff *skb, struct netlink_callback *cb,
				   struct vmux_port *port)
{
	struct vmux_dev *vdev;
	long i = 0;

	list_for_each_entry(vdev, &port->children, list) {
		if (i++ < cb->args[VMUX_DUMP_NEXT])
			continue;
		if (!vmux_genl_may_see(cb, vdev->dev))
			cb->args[VMUX_DUMP_HIDDEN]++;
		else if (vmux_genl_put_child(skb, cb, port, vdev))
			return -EMSGSIZE;
		cb->args[VMUX_DUMP_NEXT]++;
	}
	if (cb->args[VMUX_DUMP_HIDDEN] && vmux_genl_put_hidden(skb, cb, port))
		return -EMSGSIZE;
	cb->args[VMUX_DUMP_NEXT] = 0;
	cb->args[VMUX_DUMP_HIDDEN] = 0;
	return 0;
}

/* Under RTNL, which keeps the ports and their children. A dump that takes
 * several calls goes on from the device and child where it stopped,
 * counted in list order; as with any netlink dump, a device created or
 * deleted in between may be missed or listed twice.
 */
static int vmux_genl_dump_port(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net *net = sock_net(cb->skb->sk);
	struct net_device *dev;
	struct vmux_port *port;
	long pos = 0;
	int err = 0;

	rtnl_lock();
	if (cb->args[VMUX_DUMP_IFINDEX]) {
		if (cb->args[VMUX_DUMP_LOWER])
			goto out;	/* done */
		/* gone since .start (or since the last call): the dump ends */
		port = vmux_genl_port(cb);
		if (IS_ERR(port)) {
			err = PTR_ERR(port);
			goto out;
		}
		err = vmux_genl_dump_children(skb, cb, port);
		if (!err)
			cb->args[VMUX_DUMP_LOWER] = 1;
		goto out;
	}
	for_each_netdev(net, dev) {
		if (pos++ < cb->args[VMUX_DUMP_LOWER])
			continue;
		port = vmux_port_rtnl(dev);
		err = port ? vmux_genl_dump_children(skb, cb, port) : 0;
		if (err)
			goto out;	/* full: this device again next time */
		cb->args[VMUX_DUMP_LOWER] = pos;
	}
out:
	rtnl_unlock();
	/* Full is the next call's business, unless not even one reply fit. */
	if (err == -EMSGSIZE && skb->len)
		err = 0;
	return err ?: skb->len;
}

static const struct genl_ops vmux_genl_ops[] = {
	{
		.cmd	= VMUX_CMD_GET_PORT,
		.start	= vmux_genl_dump_start,
		.dumpit	= vmux_genl_dump_port,
		/* .start parses and checks the request itself */
		.validate = GENL_DONT_VALIDATE_STRICT | GENL_DONT_VALIDATE_DUMP,
	},
};

static struct genl_family vmux_genl_family __ro_after_init = {
	.name		= VMUX_GENL_NAME,
	.version	= VMUX_GENL_VERSION,
	.maxattr	= VMUX_A_MAX,
	.policy		= vmux_genl_policy,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= vmux_genl_ops,
	.n_ops		= ARRAY_SIZE(vmux_genl_ops),
	.resv_start_op	= VMUX_CMD_GET_PORT + 1,
};

int __init vmux_genl_init(void)
{
	return genl_register_family(&vmux_genl_family);
}

void vmux_genl_exit(void)
{
	genl_unregister_family(&vmux_genl_family);
}
