export default function AuthLayout({ children }: { children: React.ReactNode }) {
  return (
    <main id="main" tabIndex={-1} className="flex min-h-screen outline-none items-center justify-center p-6">
      <div className="w-full max-w-sm">
        <div className="mb-6 text-center">
          <div className="text-base font-semibold tracking-tight">DMVPN Console</div>
        </div>
        {children}
      </div>
    </main>
  );
}
