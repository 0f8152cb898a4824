// SPDX-License-Identifier: GPL-2.0
//
// Phase 1: the table-driven attacks on every attribute of every kind.

#pragma once

#include "oracle.hpp"

namespace nlfuzz {

void run_table(Fuzzer &f);
// A child's PROMISC, ALLMULTI and UP in every order, then the child goes:
// its lower must be as it was (8021q and macvlan balance them).
void run_rx_flags(Fuzzer &f);

} // namespace nlfuzz
