import { Button, Result } from 'antd';
import { Component, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

function Fallback({ error, onReset }: { error: Error; onReset(): void }) {
  const { t } = useTranslation();
  return (
    <Result
      status="warning"
      title={t('common.crashed')}
      subTitle={error.message}
      extra={<Button onClick={onReset}>{t('common.retry')}</Button>}
    />
  );
}

/**
 * Keeps one broken panel (say, a report whose shape changed on the server) from blanking the
 * whole app; React still logs the error, so the browser test still fails on it.
 */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey?: unknown }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidUpdate(prev: { resetKey?: unknown }) {
    if (this.state.error && prev.resetKey !== this.props.resetKey) this.setState({ error: null });
  }

  override render() {
    if (this.state.error) return <Fallback error={this.state.error} onReset={() => this.setState({ error: null })} />;
    return this.props.children;
  }
}
