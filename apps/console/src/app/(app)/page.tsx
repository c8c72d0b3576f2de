import { redirect } from "next/navigation";

// The live dashboard comes with the topology work; until then the inventory is home.
export default function Home() {
  redirect("/networks");
}
