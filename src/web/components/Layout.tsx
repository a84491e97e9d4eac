import { useState } from 'react'
import { NavLink, Outlet, useNavigate } from 'react-router-dom'
import { useAccount } from '../api/account'
import { useSession, useSignOut } from '../api/auth'
import { errorMessage } from '../api/client'
import { Button, focusRing } from './Button'
import { VerifyEmailBanner } from './VerifyEmailBanner'

const navClass = ({ isActive }: { isActive: boolean }) =>
  `block rounded-md px-3 py-2 text-sm font-medium ${focusRing} ${
    isActive ? 'bg-emerald-700 text-white' : 'text-emerald-50 hover:bg-emerald-700/60'
  }`

function NavLinks({ onNavigate }: { onNavigate?: () => void }) {
  const isOperator = useAccount().data?.isOperator === true
  return (
    <nav aria-label="Main" className="space-y-1">
      <NavLink to="/Dashboard/organizations" className={navClass} onClick={onNavigate}>
        <span aria-hidden="true">📱 </span>WhatsApp Organizations
      </NavLink>
      <NavLink to="/Dashboard/simulator" className={navClass} onClick={onNavigate}>
        WhatsApp simulator
      </NavLink>
      <NavLink to="/Dashboard/account" className={navClass} onClick={onNavigate}>
        Account
      </NavLink>
      {isOperator && (
        <NavLink to="/Dashboard/operator" className={navClass} onClick={onNavigate}>
          Plans (operator)
        </NavLink>
      )}
    </nav>
  )
}

function UserBox() {
  const session = useSession()
  const signOut = useSignOut()
  const navigate = useNavigate()
  const [error, setError] = useState<string | null>(null)
  const user = session.data?.user
  return (
    <div className="space-y-2 border-t border-emerald-700 pt-3 text-sm text-emerald-50">
      {user && (
        <div>
          <p className="font-medium" data-testid="current-user">
            {user.name}
          </p>
          <p className="truncate text-xs text-emerald-200">{user.email}</p>
        </div>
      )}
      <Button
        variant="secondary"
        className="w-full"
        onClick={async () => {
          try {
            await signOut()
            navigate('/sign-in')
          } catch (e) {
            setError(errorMessage(e))
          }
        }}
      >
        Sign out
      </Button>
      {error && (
        <p role="alert" className="text-xs text-red-200">
          {error}
        </p>
      )}
    </div>
  )
}

export function Layout() {
  const [menuOpen, setMenuOpen] = useState(false)
  return (
    <div className="min-h-screen md:flex">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:p-2"
      >
        Skip to content
      </a>
      {/* Phone width: the sidebar collapses into a top bar with a menu button. */}
      <header className="sticky top-0 z-20 bg-emerald-800 text-white md:hidden">
        <div className="flex items-center justify-between px-4 py-3">
          <span className="font-semibold">WhatsApp AI</span>
          <Button
            variant="onDark"
            aria-expanded={menuOpen}
            aria-controls="mobile-menu"
            onClick={() => setMenuOpen((o) => !o)}
          >
            {menuOpen ? 'Close menu' : 'Menu'}
          </Button>
        </div>
        {menuOpen && (
          <div id="mobile-menu" className="space-y-3 px-4 pb-4">
            <NavLinks onNavigate={() => setMenuOpen(false)} />
            <UserBox />
          </div>
        )}
      </header>
      <aside className="hidden w-64 shrink-0 flex-col justify-between bg-emerald-800 p-4 md:sticky md:top-0 md:flex md:h-screen">
        <div className="space-y-6">
          <p className="px-3 text-lg font-semibold text-white">WhatsApp AI</p>
          <NavLinks />
        </div>
        <UserBox />
      </aside>
      <main id="main" className="min-w-0 flex-1 p-4 sm:p-6 lg:p-8">
        <VerifyEmailBanner />
        <Outlet />
      </main>
    </div>
  )
}
