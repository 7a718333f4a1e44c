import { type ReactNode, useEffect, useRef } from 'react';

/**
 * A page's <h1>, which takes the focus when the page opens: a screen reader announces the new
 * page, and Tab continues from its top, as after a full page load.
 */
export function PageHeading({ title, children }: { title: string; children?: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Tripline console`;
    heading.current?.focus();
  }, [title]);
  return (
    <div className="page-heading">
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
      {children}
    </div>
  );
}
