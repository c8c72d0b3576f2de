import { ImportExport } from "~/components/import-export";

export const metadata = { title: "Import / export" };

export default function ImportPage() {
  return <ImportExport />;
}
