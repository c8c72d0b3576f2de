"use client";

import dynamic from "next/dynamic";

// WebGL needs a browser: the view loads on the client only, with sigma and graphology in its own chunk.
const TopologyView = dynamic(() => import("./topology-view"), {
  ssr: false,
  loading: () => <p className="text-zinc-500">Loading the topology…</p>,
});

export function TopologyLoader() {
  return <TopologyView />;
}
