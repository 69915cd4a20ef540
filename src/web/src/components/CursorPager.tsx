import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import { Button, Flex, Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/** Previous / next for keyset-paginated lists (the server returns nextCursor, never a total). */
export function CursorPager({
  page,
  hasNext,
  onPrev,
  onNext,
  pageSize,
  onPageSize,
  shown,
}: {
  page: number;
  hasNext: boolean;
  onPrev(): void;
  onNext(): void;
  pageSize: number;
  onPageSize(n: number): void;
  shown: number;
}) {
  const { t } = useTranslation();
  return (
    <Flex justify="space-between" align="center" wrap gap={8} style={{ marginTop: 12 }}>
      <Typography.Text type="secondary">{t('pager.showing', { page: page + 1, count: shown })}</Typography.Text>
      <Flex gap={8} align="center">
        <Select
          size="small"
          value={pageSize}
          onChange={onPageSize}
          aria-label={t('pager.pageSize')}
          options={[20, 50, 100, 200].map((n) => ({ value: n, label: t('pager.perPage', { n }) }))}
          style={{ width: 112 }}
        />
        <Button size="small" icon={<LeftOutlined />} disabled={page === 0} onClick={onPrev} data-testid="pager-prev">
          {t('pager.prev')}
        </Button>
        <Button size="small" disabled={!hasNext} onClick={onNext} data-testid="pager-next">
          {t('pager.next')} <RightOutlined />
        </Button>
      </Flex>
    </Flex>
  );
}
