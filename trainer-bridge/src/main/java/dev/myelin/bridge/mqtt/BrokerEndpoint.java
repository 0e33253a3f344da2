package dev.myelin.bridge.mqtt;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Arrays;
import java.util.Collection;
import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Where and how to reach a broker: {@code tcp://host:port} or {@code ssl://host:port}, optional username and
 * password, and for TLS the PEM file of the certificate authority that signed the broker's certificate (the
 * host name is verified against the certificate). Immutable.
 */
public record BrokerEndpoint(String uri, String username, char[] password, Path caCertificate) {

    public BrokerEndpoint {
        if (uri == null) {
            throw new IllegalArgumentException("broker URI is missing");
        }
        URI u;
        try {
            u = URI.create(uri);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("broker URI '" + uri + "' is malformed: " + e.getMessage());
        }
        if (!"tcp".equals(u.getScheme()) && !"ssl".equals(u.getScheme())) {
            throw new IllegalArgumentException("broker URI '" + uri + "' must start with tcp:// or ssl://");
        }
        if (u.getHost() == null || u.getPort() <= 0) {
            throw new IllegalArgumentException("broker URI '" + uri + "' needs a host and a port");
        }
        if ("ssl".equals(u.getScheme()) && caCertificate == null) {
            throw new IllegalArgumentException("broker URI '" + uri + "' uses TLS: give the CA certificate (PEM) that signed the broker's certificate");
        }
        if (password != null && username == null) {
            throw new IllegalArgumentException("a broker password needs a username");
        }
        password = password == null ? null : password.clone();
    }

    /** Plain TCP without credentials. */
    public static BrokerEndpoint tcp(String host, int port) {
        return new BrokerEndpoint("tcp://" + host + ":" + port, null, null, null);
    }

    public BrokerEndpoint withCredentials(String user, char[] pass) {
        return new BrokerEndpoint(uri, user, pass, caCertificate);
    }

    public boolean tls() {
        return uri.startsWith("ssl:");
    }

    @Override
    public char[] password() {
        return password == null ? null : password.clone();
    }

    /** A socket factory that trusts exactly the configured CA. */
    SocketFactory tlsSocketFactory() throws IOException {
        try (InputStream in = Files.newInputStream(caCertificate)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new IOException(caCertificate + ": no certificate in the file");
            }
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                ks.setCertificateEntry("ca" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IOException(caCertificate + ": not a usable CA certificate: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return uri + (username != null ? " as " + username : "") + (tls() ? " (TLS, CA " + caCertificate + ")" : "");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BrokerEndpoint b && b.uri.equals(uri) && java.util.Objects.equals(b.username, username)
                && Arrays.equals(b.password, password) && java.util.Objects.equals(b.caCertificate, caCertificate);
    }

    @Override
    public int hashCode() {
        return uri.hashCode();
    }
}
