import { Navigate, Route, Routes } from 'react-router-dom'
import { Layout } from './components/Layout'
import { RequireAuth } from './components/RequireAuth'
import { AccountPage } from './pages/AccountPage'
import { AuthPage } from './pages/AuthPage'
import { NotFoundPage } from './pages/NotFoundPage'
import { OperatorPage } from './pages/OperatorPage'
import { OrganizationPage } from './pages/OrganizationPage'
import { OrganizationsPage } from './pages/OrganizationsPage'
import { SimulatorPage } from './pages/SimulatorPage'

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/" element={<Navigate to="/Dashboard/organizations" replace />} />
      <Route path="/sign-in" element={<AuthPage mode="sign-in" />} />
      <Route path="/sign-up" element={<AuthPage mode="sign-up" />} />
      <Route path="/Dashboard" element={<Navigate to="/Dashboard/organizations" replace />} />
      <Route
        element={
          <RequireAuth>
            <Layout />
          </RequireAuth>
        }
      >
        <Route path="/Dashboard/organizations" element={<OrganizationsPage />} />
        <Route path="/Dashboard/organizations/:id" element={<OrganizationPage />} />
        <Route path="/Dashboard/organizations/:id/simulator" element={<SimulatorPage />} />
        <Route path="/Dashboard/simulator" element={<SimulatorPage />} />
        <Route path="/Dashboard/account" element={<AccountPage />} />
        <Route path="/Dashboard/operator" element={<OperatorPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  )
}
