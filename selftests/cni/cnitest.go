// cnitest: run a CNI conflist through libcni as a runtime does.
//
//	cnitest add|check|del CONFLIST NETNS IFNAME CONTAINERID | cnitest validate CONFLIST
//
// Env: CNI_PATH; CNITEST_CACHE_DIR (libcni result cache, default /var/lib/cni);
// CNITEST_ARGS ("K=V;K=V" -> CNI_ARGS); CNITEST_CAPS (JSON capability args).
// Failure: the plugin's error object {"code","msg","details"} on stderr, exit 1.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/containernetworking/cni/libcni"
	"github.com/containernetworking/cni/pkg/types"
)

func fail(err error) {
	var e *types.Error
	if errors.As(err, &e) {
		_ = json.NewEncoder(os.Stderr).Encode(e)
	} else {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(1)
}

func main() {
	if len(os.Args) < 3 || (os.Args[1] != "validate" && len(os.Args) != 6) {
		fail(errors.New("usage: cnitest add|check|del CONFLIST NETNS IFNAME CONTAINERID | validate CONFLIST"))
	}
	list, err := libcni.ConfListFromFile(os.Args[2])
	if err != nil {
		fail(err)
	}
	cni := libcni.NewCNIConfigWithCacheDir(filepath.SplitList(os.Getenv("CNI_PATH")),
		os.Getenv("CNITEST_CACHE_DIR"), nil)
	ctx := context.Background()
	if os.Args[1] == "validate" {
		if _, err := cni.ValidateNetworkList(ctx, list); err != nil {
			fail(err)
		}
		return
	}
	rt := &libcni.RuntimeConf{NetNS: os.Args[3], IfName: os.Args[4], ContainerID: os.Args[5]}
	for _, kv := range strings.Split(os.Getenv("CNITEST_ARGS"), ";") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			rt.Args = append(rt.Args, [2]string{k, v})
		}
	}
	if s := os.Getenv("CNITEST_CAPS"); s != "" {
		if err := json.Unmarshal([]byte(s), &rt.CapabilityArgs); err != nil {
			fail(err)
		}
	}
	switch os.Args[1] {
	case "add":
		var res types.Result
		if res, err = cni.AddNetworkList(ctx, list, rt); err == nil {
			err = res.Print()
			fmt.Println()
		}
	case "check":
		err = cni.CheckNetworkList(ctx, list, rt)
	case "del":
		err = cni.DelNetworkList(ctx, list, rt)
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fail(err)
	}
}
