import { PageSkeleton } from "~/components/ui";

/** Shown inside the shell while a page's server part loads, instead of a blank main area. */
export default function Loading() {
  return <PageSkeleton />;
}
