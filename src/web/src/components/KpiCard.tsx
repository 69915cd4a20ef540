import { InfoCircleOutlined } from '@ant-design/icons';
import { Card, Flex, Skeleton, Tooltip, Typography } from 'antd';
import type { ReactNode } from 'react';

/** A headline figure: label (with an explanation on hover/focus), value, and a line of context. */
export function KpiCard({
  title,
  value,
  help,
  footer,
  icon,
  color = '#2f54eb',
  loading,
  testId,
}: {
  title: ReactNode;
  value: ReactNode;
  help?: ReactNode;
  footer?: ReactNode;
  icon?: ReactNode;
  color?: string;
  loading?: boolean;
  testId?: string;
}) {
  return (
    <Card className="kpi-card" variant="borderless" data-testid={testId}>
      <Flex justify="space-between" align="flex-start" gap={12}>
        <div style={{ minWidth: 0 }}>
          <Typography.Text type="secondary" style={{ fontSize: 13 }}>
            {title}
            {help && (
              <Tooltip title={help}>
                <InfoCircleOutlined style={{ marginInlineStart: 6 }} tabIndex={0} aria-label={typeof help === 'string' ? help : undefined} />
              </Tooltip>
            )}
          </Typography.Text>
          <div className="kpi-value">{loading ? <Skeleton.Input active size="small" /> : value}</div>
        </div>
        {icon && (
          <div className="kpi-icon" style={{ color, background: `${color}14` }} aria-hidden>
            {icon}
          </div>
        )}
      </Flex>
      {footer && <div className="kpi-footer">{footer}</div>}
    </Card>
  );
}
