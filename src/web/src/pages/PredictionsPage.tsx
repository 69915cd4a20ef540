import { useTranslation } from 'react-i18next';
import { FeatureGate } from '../components/FeatureGate';
import { PageHeader } from '../components/PageHeader';

export default function PredictionsPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('nav.predictions')} subtitle={t('predictions.subtitle')} />
      <FeatureGate
        prefix={['/api/models', '/api/predictions']}
        feature={t('nav.predictions')}
        hint={
          <>
            {t('predictions.soon')}
            <br />
            {t('common.notAvailableHint')}
          </>
        }
      >
        {null}
      </FeatureGate>
    </>
  );
}
