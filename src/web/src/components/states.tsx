import { ClockCircleOutlined, ReloadOutlined, WarningOutlined } from '@ant-design/icons';
import { Button, Empty, Result, Skeleton, Tag } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api/client';

/** A feature whose API this server does not have yet: say so, never show made-up numbers. */
export function NotAvailable({ feature, hint }: { feature: string; hint?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Result
      icon={<ClockCircleOutlined style={{ color: '#8c8c8c' }} />}
      title={t('common.notAvailableTitle', { feature })}
      subTitle={hint ?? t('common.notAvailableHint')}
      data-testid="not-available"
    />
  );
}

export function ErrorState({ error, onRetry }: { error: ApiError | Error; onRetry?: () => void }) {
  const { t } = useTranslation();
  const status = (error as ApiError).status;
  const title =
    status === 403 ? t('common.forbidden') : status === 404 ? t('common.notFound') : t('common.loadFailed');
  return (
    <Result
      status={status === 403 ? '403' : status === 404 ? '404' : 'warning'}
      icon={status === 403 || status === 404 ? undefined : <WarningOutlined />}
      title={title}
      subTitle={error.message}
      extra={
        onRetry && (
          <Button icon={<ReloadOutlined />} onClick={onRetry}>
            {t('common.retry')}
          </Button>
        )
      }
    />
  );
}

export function EmptyState({ title, action }: { title: ReactNode; action?: ReactNode }) {
  return (
    <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={title} style={{ padding: '24px 0' }}>
      {action}
    </Empty>
  );
}

export function Loading({ rows = 6 }: { rows?: number }) {
  return <Skeleton active paragraph={{ rows }} />;
}

/** Inline marker for a figure whose API has not shipped yet. */
export function SoonTag() {
  const { t } = useTranslation();
  return (
    <Tag bordered={false} style={{ fontWeight: 400 }}>
      {t('common.notAvailableShort')}
    </Tag>
  );
}
