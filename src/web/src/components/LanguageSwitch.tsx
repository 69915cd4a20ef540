import { TranslationOutlined } from '@ant-design/icons';
import { Button, Dropdown } from 'antd';
import { useTranslation } from 'react-i18next';
import { rememberLang, type Lang } from '../i18n';

const NAMES: Record<Lang, string> = { 'zh-CN': '简体中文', en: 'English' };

/** Switches the UI language and remembers it in this browser. */
export function LanguageSwitch({ dark = false }: { dark?: boolean }) {
  const { i18n, t } = useTranslation();
  const current = (i18n.language === 'en' ? 'en' : 'zh-CN') as Lang;
  const choose = (l: Lang) => {
    rememberLang(l);
    void i18n.changeLanguage(l);
  };
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        selectable: true,
        selectedKeys: [current],
        items: (Object.keys(NAMES) as Lang[]).map((l) => ({ key: l, label: NAMES[l], lang: l })),
        onClick: ({ key }) => choose(key as Lang),
      }}
    >
      <Button
        type="text"
        icon={<TranslationOutlined />}
        aria-label={t('common.language')}
        data-testid="lang-switch"
        style={dark ? { color: 'rgba(255,255,255,0.85)' } : undefined}
      >
        {current === 'en' ? 'EN' : '中文'}
      </Button>
    </Dropdown>
  );
}
